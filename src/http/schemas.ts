/** JSON Schema pieces shared by routes. */
export const idParam = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,32}$' } as const;

export const isoTime = { type: 'string', format: 'date-time' } as const;
