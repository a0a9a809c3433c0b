/**
 * Two validators: query strings, params and headers arrive as text, so their numbers and
 * booleans are coerced ("20" → 20); JSON bodies are not, so `{"body": 5}` is a 400 rather
 * than silently becoming "5". Unknown fields are errors everywhere, never dropped.
 */
import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';

type BuildValidator = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']>;

// Typed loosely on purpose: the compiler's declared options omit Ajv's own (coerceTypes…).
const fromPool = AjvCompiler() as unknown as (
  externalSchemas: unknown,
  options: { customOptions: Record<string, unknown> },
) => ReturnType<BuildValidator>;

export const buildValidator: BuildValidator = (externalSchemas, ajvOptions) => {
  const base = { removeAdditional: false, allErrors: true, ...(ajvOptions?.customOptions as Record<string, unknown>) };
  const lenient = fromPool(externalSchemas, { ...ajvOptions, customOptions: { ...base, coerceTypes: 'array' } });
  const strict = fromPool(externalSchemas, { ...ajvOptions, customOptions: { ...base, coerceTypes: false } });
  return (route) => (route.httpPart === 'body' ? strict(route) : lenient(route));
};
