/**
 * The message every target carries: an entry of about 600 bytes of Markdown whose
 * headline holds the publish sequence number and send time (`bench#<seq>#t=<ms>`), so
 * the load process can tell which message arrived and how late.
 */
const WORDS =
  'The foreign minister said talks would continue next week in Geneva while delegations reviewed the draft text. Officials declined to give details on the sanctions question, but two diplomats said the wording on monitoring had been agreed overnight.';

/** ~600 bytes of Markdown with a little emphasis and a link, like a reporter's update. */
export function entryBody(i: number): string {
  let s = `**Update ${i}.** ${WORDS} [Statement](https://example.org/statement/${i}). `;
  while (s.length < 560) s += WORDS.slice(0, Math.min(WORDS.length, 600 - s.length)) + ' ';
  return s.trim();
}

export const headline = (seq: number, sentAt: number) => `bench#${seq}#t=${sentAt.toFixed(3)}`;

/** Reads the sequence number out of a data line (or -1). */
export function seqOf(data: string): number {
  const i = data.indexOf('bench#');
  if (i < 0) return -1;
  return parseInt(data.slice(i + 6, i + 16), 10);
}

/**
 * For the floor and the peer: an entry-shaped JSON of the same fields and about the
 * same size as the one Unfold sends (body, rendered html, author, times, urls).
 */
export function fakeEntryJson(seq: number, sentAt: number): string {
  const body = entryBody(seq);
  const at = new Date().toISOString();
  return JSON.stringify({
    entry: {
      id: 'e' + seq.toString(36).padStart(11, '0'),
      liveblogId: 'lbbench00000',
      headline: headline(seq, sentAt),
      body,
      html: `<p>${body.replace(/\*\*(.+?)\*\*/, '<strong>$1</strong>').replace(/\[(.+?)\]\((.+?)\)/, '<a href="$2" rel="nofollow noopener" target="_blank">$1</a>')}</p>\n`,
      media: [],
      keyEvent: false,
      pinned: false,
      status: 'published',
      author: { id: 'authorbench0', name: 'Bench Editor' },
      publishedAt: at,
      updatedAt: at,
      revision: 1,
      url: 'http://127.0.0.1/live/bench-live-blog#entry-e' + seq,
      shortUrl: 'http://127.0.0.1/s/abcdefg',
    },
  });
}
