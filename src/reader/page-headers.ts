/**
 * Response headers of the reader's HTML pages, made once: cache policy plus security
 * headers. The Content-Security-Policy is what the pages actually need: our own script
 * and stylesheet only (JSON-LD and the `#unfold-data` JSON are not executed, so they need
 * no allowance), the stream and fetches to this origin, images from anywhere (entries'
 * media), and inline style *attributes* only because markdown tables align cells with
 * `style="text-align:…"` (sanitized on the server; no inline <style> or script).
 */
import type { FixedHeaders } from './encoded-body.ts';

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  'img-src * data:',
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/**
 * `frame`: who may put the page in an iframe. Live pages allow this site ('self'; an
 * /embed route will serve other sites); the rest allow no one.
 */
export function htmlHeaders(cacheControl: string, frame: "'self'" | "'none'"): FixedHeaders {
  return Object.freeze({
    'cache-control': cacheControl,
    'content-security-policy': `${CSP}; frame-ancestors ${frame}`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
  });
}
