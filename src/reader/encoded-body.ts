/**
 * A response body compressed once, when it is made, and then served to every request by
 * Accept-Encoding: identity, gzip or brotli, each with its strong ETag, and 304 when the
 * client already holds it. Pages and static assets both go through here.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

export interface EncodedBody {
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
  /** Hash of the identity bytes; each coding's ETag derives from it. */
  hash: string;
  type: string;
  /** The ETag of each coding, built once rather than per request. */
  etags: Record<Coding, string>;
}

export type Coding = 'br' | 'gzip' | 'identity';

/** `effort` 'page' keeps brotli cheap (a render per change); 'asset' squeezes once at boot. */
export async function encodeBody(body: string | Buffer, type: string, effort: 'page' | 'asset'): Promise<EncodedBody> {
  const identity = typeof body === 'string' ? Buffer.from(body) : body;
  const quality = effort === 'asset' ? 11 : 5;
  const [gz, br] = await Promise.all([
    gzip(identity, { level: effort === 'asset' ? 9 : 6 }),
    brotli(identity, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: identity.length },
    }),
  ]);
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 24);
  return { identity, gzip: gz, br, hash, type, etags: { identity: `"${hash}"`, gzip: `"${hash}-gzip"`, br: `"${hash}-br"` } };
}

// Browsers send a handful of distinct Accept-Encoding strings: parse each once.
const codings = new Map<string, Coding>();

/** The best coding the client accepts (q=0 refuses), preferring brotli, then gzip. */
export function pickCoding(header: string | undefined): Coding {
  if (!header) return 'identity';
  let c = codings.get(header);
  if (c === undefined) {
    c = parseCoding(header);
    if (codings.size < 200) codings.set(header, c);
  }
  return c;
}

function parseCoding(header: string): Coding {
  const ok = new Set<string>();
  for (const part of header.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)).find(Boolean);
    if (!q || Number(q[1]) > 0) ok.add(name.trim());
  }
  if (ok.has('br')) return 'br';
  if (ok.has('gzip') || ok.has('*')) return 'gzip';
  return 'identity';
}

function etagMatches(header: string | undefined, hash: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  // Any coding of the same bytes is the same content to a cache revalidating it.
  return header.split(',').some((t) => t.trim().replace(/^W\//, '').replace(/"/g, '').split('-')[0] === hash);
}

export function sendEncoded(req: FastifyRequest, reply: FastifyReply, body: EncodedBody, cacheControl: string, status = 200): FastifyReply {
  const coding = pickCoding(req.headers['accept-encoding'] as string | undefined);
  const bytes = coding === 'br' ? body.br : coding === 'gzip' ? body.gzip : body.identity;
  reply
    .header('content-type', body.type)
    .header('vary', 'Accept-Encoding')
    .header('cache-control', cacheControl)
    .header('etag', body.etags[coding]);
  if (status === 200 && etagMatches(req.headers['if-none-match'], body.hash)) return reply.code(304).send();
  if (coding !== 'identity') reply.header('content-encoding', coding);
  return reply.code(status).send(bytes);
}
