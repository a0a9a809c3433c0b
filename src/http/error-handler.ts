/**
 * The one place errors become HTTP answers: problem+json for everything. Validation,
 * body-size and content-type failures from Fastify are mapped to 400/413/415; anything
 * unknown is logged with the request id and answered as a bare 500.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, invalid, notFound, toProblem, tooLarge, unavailable, unsupportedMedia, type FieldError } from '../errors.ts';
import { isDbUnavailable } from './db-unavailable.ts';
import { containsNul, dbRejected } from './db-rejected.ts';

function fromFastify(err: FastifyError): AppError | null {
  if (err.validation) {
    const errors: FieldError[] = err.validation.map((v) => {
      const missing = (v.params as { missingProperty?: string }).missingProperty;
      const extra = (v.params as { additionalProperty?: string }).additionalProperty;
      const where = `${err.validationContext === 'body' ? '' : '/' + (err.validationContext ?? '')}${v.instancePath}`;
      if (missing) return { path: `${where}/${missing}`, message: 'is required' };
      if (extra) return { path: `${where}/${extra}`, message: 'is not a known field' };
      return { path: where || '/', message: v.message ?? 'is invalid' };
    });
    return invalid(errors.map((e) => `${e.path} ${e.message}`).join('; '), errors);
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return tooLarge('The request body is larger than this endpoint accepts.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMedia('Send the body as application/json.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return invalid('The JSON body is empty.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return invalid('The body is not valid JSON.');
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new AppError(err.statusCode, 'bad-request', 'Bad request', err.message);
  }
  if (err instanceof SyntaxError) return invalid('The body is not valid JSON.');
  return null;
}

export function registerErrorHandler(app: FastifyInstance): void {
  // The same text must be storable on SQLite and PostgreSQL; PostgreSQL refuses NUL.
  // A callback hook: it runs on every request, and most (GETs) have no body to look at.
  app.addHook('preValidation', (req, _reply, done) => {
    if (req.body === undefined || !containsNul(req.body)) return done();
    done(invalid('Text must not contain the NUL character (\\u0000).', [{ path: '/', message: 'contains NUL' }]));
  });
  app.setErrorHandler((error: FastifyError, req, reply) => {
    const known =
      error instanceof AppError
        ? error
        : isDbUnavailable(error)
          ? unavailable('The database cannot be reached for a moment; retry.')
          : (dbRejected(error) ?? fromFastify(error));
    if (!known) {
      req.log.error({ err: error }, 'unexpected error');
      return reply
        .code(500)
        .type('application/problem+json')
        .send({ type: 'about:blank', title: 'Internal error', status: 500, detail: `Something failed on our side (request ${req.id}).` });
    }
    if (known.status >= 500) req.log.warn({ err: error }, known.message);
    if (known.headers) reply.headers(known.headers);
    return reply.code(known.status).type('application/problem+json').send(toProblem(known));
  });
  app.setNotFoundHandler((req, reply) => {
    const p = toProblem(notFound(`${req.method} ${req.url.split('?')[0]}`));
    return reply.code(404).type('application/problem+json').send(p);
  });
}
