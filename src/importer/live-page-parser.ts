/**
 * Parses the text of a live page like fixtures/live-page-lavrov-2018.txt: a header with
 * the time and date it was last touched, the lead and description, the title, then
 * messages as "• HH:MM" followed by a headline and paragraphs. Pure: text in, data out.
 */
export interface ParsedEntry {
  /** "HH:MM" as printed on the page. */
  time: string;
  headline: string | null;
  /** Markdown: paragraphs separated by blank lines. */
  body: string;
}

export interface ParsedPage {
  title: string;
  lead: string;
  description: string;
  /** YYYY-MM-DD from the page header, when it has one. */
  headerDate: string | null;
  /** The zone the times are printed in ("GMT" unless the header says otherwise). */
  zone: string;
  credit: string | null;
  entries: ParsedEntry[];
  /** Messages with no text (they carried only media on the original page). */
  skipped: { time: string; reason: string }[];
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const CHROME = new Set(['listen live', 'get short url', 'new messages']);
const BULLET = /^[•·*-]\s*(\d{1,2}):(\d{2})\s*$/;

function headerDate(line: string): { date: string | null; zone: string } {
  const m = /(\d{1,2}):(\d{2})\s*([A-Z]{2,5})?\s*(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})/.exec(line);
  if (!m) return { date: null, zone: 'GMT' };
  const month = MONTHS.indexOf(m[5].toLowerCase());
  if (month < 0) return { date: null, zone: m[3] ?? 'GMT' };
  return { date: `${m[6]}-${String(month + 1).padStart(2, '0')}-${m[4].padStart(2, '0')}`, zone: m[3] ?? 'GMT' };
}

/**
 * A first paragraph is the headline when it reads like one: short, and not ending as a
 * sentence or a quotation does. "Russia will support direct contacts … issue." is a body.
 */
export function looksLikeHeadline(p: string): boolean {
  return p.length <= 160 && !/[.!?:;"”…]$/.test(p);
}

/** Drops media markers a page adds to its title, e.g. "(VIDEO)". */
const cleanTitle = (t: string) => t.replace(/\s*\((VIDEO|PHOTO|PHOTOS|AUDIO|LIVE|UPDATED)\)\s*$/i, '').trim();

export function parseLivePage(text: string): ParsedPage {
  // Copied pages carry no-break spaces between ordinary words; they only hurt wrapping on phones.
  const lines = text.split(/\r\n|\r|\n/).map((l) => l.replace(/\u00a0/g, ' ').trim());
  let i = lines.findIndex((l) => l !== '');
  const { date, zone } = headerDate(lines[i] ?? '');
  if (date) i++;
  const preamble: string[] = [];
  let credit: string | null = null;
  for (; i < lines.length && !BULLET.test(lines[i]); i++) {
    const l = lines[i];
    if (!l || CHROME.has(l.toLowerCase())) continue;
    if (l.startsWith('©')) credit = l.replace(/^©\s*/, '');
    else preamble.push(l);
  }
  if (preamble.length === 0) throw new Error('no title found before the first message');
  const title = cleanTitle(preamble[preamble.length - 1]);
  const [lead = '', ...rest] = preamble.slice(0, -1);
  const description = rest.join('\n\n');

  const entries: ParsedEntry[] = [];
  const skipped: ParsedPage['skipped'] = [];
  let current: { time: string; paragraphs: string[] } | null = null;
  const flush = () => {
    if (!current) return;
    const [first, ...more] = current.paragraphs;
    if (first === undefined) skipped.push({ time: current.time, reason: 'no text (the message carried only media)' });
    else if (looksLikeHeadline(first)) entries.push({ time: current.time, headline: first, body: more.join('\n\n') });
    else entries.push({ time: current.time, headline: null, body: current.paragraphs.join('\n\n') });
    current = null;
  };
  for (; i < lines.length; i++) {
    const l = lines[i];
    const m = BULLET.exec(l);
    if (m) {
      flush();
      current = { time: `${m[1].padStart(2, '0')}:${m[2]}`, paragraphs: [] };
      continue;
    }
    if (!l || !current) continue;
    // The page's footer ("Community standards", "Discussion") is navigation, not a message.
    const footer = l.search(/Community standards|Discussion$/);
    const text = footer >= 0 ? l.slice(0, footer).trim() : l;
    if (text) current.paragraphs.push(text);
    if (footer >= 0) break;
  }
  flush();
  return { title, lead, description, headerDate: date, zone, credit, entries, skipped };
}
