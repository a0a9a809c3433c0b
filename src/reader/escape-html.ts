/** The one escaper for every value interpolated into reader HTML (server and browser). */
const MAP: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => MAP[c]);
}

/** JSON safe inside <script>: `</script>` and `<!--` cannot end or confuse the element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Only http(s) and same-site URLs may become href/src; anything else becomes "#". */
export function safeUrl(url: unknown): string {
  const s = String(url ?? '');
  return /^(https?:\/\/|\/(?!\/))/i.test(s) ? s : '#';
}
