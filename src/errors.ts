/**
 * Every error Unfold answers with, defined once. Each has a stable `code` and an HTTP
 * status; `toProblem` turns any of them into RFC 9457 problem+json. Anything that is
 * not an AppError is logged with its request id and becomes a bare 500.
 */
export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail?: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
    /** Extra members of the problem document (e.g. the current version on a conflict). */
    readonly extensions?: Record<string, unknown>,
  ) {
    super(detail ?? title);
  }
}

export const invalid = (detail: string, errors?: FieldError[]) =>
  new AppError(400, 'invalid', 'Invalid input', detail, errors ?? []);
export const unauthorized = (detail = 'Sign in or send a valid bearer token.') =>
  new AppError(401, 'unauthorized', 'Not signed in', detail);
export const forbidden = (detail = 'Your role does not allow this.') =>
  new AppError(403, 'forbidden', 'Not allowed', detail);
export const notFound = (what: string) => new AppError(404, 'not-found', 'Not found', `${what} does not exist.`);
export const conflict = (detail: string, extensions?: Record<string, unknown>) =>
  new AppError(409, 'conflict', 'Conflict', detail, undefined, undefined, extensions);
export const tooLarge = (detail: string) => new AppError(413, 'too-large', 'Payload too large', detail);
export const unsupportedMedia = (detail: string) =>
  new AppError(415, 'unsupported-media-type', 'Unsupported media type', detail);
export const tooManyRequests = (retryAfterSeconds: number) =>
  new AppError(429, 'rate-limited', 'Too many requests', `Try again in ${retryAfterSeconds} s.`, undefined, {
    'retry-after': String(retryAfterSeconds),
  });
export const unavailable = (detail: string) =>
  new AppError(503, 'unavailable', 'Service unavailable', detail, undefined, { 'retry-after': '2' });

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export function toProblem(err: AppError): Problem {
  const p: Problem = { type: `https://unfold.dev/problems/${err.code}`, title: err.title, status: err.status, detail: err.message };
  if (err.errors) p.errors = err.errors;
  if (err.extensions) Object.assign(p, err.extensions);
  return p;
}
