/**
 * A response body compressed once, when it is made, and then served to every request by
 * Accept-Encoding: identity, gzip or brotli (where made), each with its strong ETag, and 304 when the
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
  /** null for bodies not worth brotli's CPU (older pages: rare, many distinct): gzip instead. */
  br: Buffer | null;
  /** Hash of the identity bytes; each coding's ETag derives from it. */
  hash: string;
  type: string;
  /** The ETag of each coding, built once rather than per request. */
  etags: Record<Coding, string>;
}

export type Coding = 'br' | 'gzip' | 'identity';

/**
 * `effort`: 'asset' squeezes once at boot; 'page' keeps brotli cheap (a render per change);
 * 'cheap' is gzip level 1 only, for pages that anyone can make us render (`?before=`).
 */
export async function encodeBody(body: string | Buffer, type: string, effort: 'page' | 'asset' | 'cheap'): Promise<EncodedBody> {
  const identity = typeof body === 'string' ? Buffer.from(body) : body;
  const quality = effort === 'asset' ? 11 : 5;
  const [gz, br] = await Promise.all([
    gzip(identity, { level: effort === 'asset' ? 9 : effort === 'page' ? 6 : 1 }),
    effort === 'cheap'
      ? null
      : brotli(identity, {
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

/**
 * Headers a route sends with every response of a kind (cache policy, security), as one
 * object made at start-up: the hot path copies it instead of rebuilding strings.
 */
export type FixedHeaders = Readonly<Record<string, string>>;

/** What to answer for one request: status, the per-request headers, and the bytes (null for 304). */
export interface EncodedChoice {
  status: number;
  coding: Coding;
  etag: string;
  payload: Buffer | null;
}

/**
 * The one rule for answering with an EncodedBody — the best coding the client accepts,
 * its ETag, and 304 when the client already holds the bytes — shared by the Fastify
 * route (sendEncoded) and the page front door (page-front-door.ts).
 */
export function chooseEncoded(acceptEncoding: string | undefined, ifNoneMatch: string | undefined, body: EncodedBody, status = 200): EncodedChoice {
  let coding = pickCoding(acceptEncoding);
  if (coding === 'br' && !body.br) coding = 'gzip';
  const etag = body.etags[coding];
  if (status === 200 && etagMatches(ifNoneMatch, body.hash)) return { status: 304, coding, etag, payload: null };
  return { status, coding, etag, payload: coding === 'br' ? body.br : coding === 'gzip' ? body.gzip : body.identity };
}

/** `headers`: the fixed headers, or just a Cache-Control value (the desk's script). */
export function sendEncoded(req: FastifyRequest, reply: FastifyReply, body: EncodedBody, headers: FixedHeaders | string, status = 200): FastifyReply {
  const c = chooseEncoded(req.headers['accept-encoding'] as string | undefined, req.headers['if-none-match'], body, status);
  if (typeof headers === 'string') reply.header('cache-control', headers);
  else reply.headers(headers);
  reply.header('content-type', body.type).header('vary', 'Accept-Encoding').header('etag', c.etag);
  if (c.payload === null) return reply.code(304).send();
  if (c.coding !== 'identity') reply.header('content-encoding', c.coding);
  return reply.code(c.status).send(c.payload);
}
