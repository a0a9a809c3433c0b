/** Times in the reader's own zone: the server wrote GMT, the browser rewrites on load. */
import type { FormatTime } from '../entry-markup.ts';

const pad = (n: number) => (n < 10 ? '0' : '') + n;

export const localTime: FormatTime = (iso) => {
  const d = new Date(iso);
  return isNaN(d.getTime()) ? '' : `${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

/** Rewrites every entry and key-event <time> under `root` (idempotent). */
export function localizeTimes(root: ParentNode): void {
  root.querySelectorAll<HTMLTimeElement>('article time[datetime], .keys time[datetime]').forEach((t) => {
    const d = new Date(t.dateTime);
    if (isNaN(d.getTime())) return;
    t.textContent = localTime(t.dateTime);
    t.title = full.format(d);
  });
}

/** "Times are in your time zone (Europe/Paris)." */
export function zoneNote(): string {
  let zone = '';
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    // Very old engines: the generic sentence is enough.
  }
  return `Times are in your time zone${zone ? ` (${zone.replace(/_/g, ' ')})` : ''}.`;
}
