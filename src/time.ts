/** The clock, injected so rules can be tested without waiting. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
export const iso = (d: Date) => d.toISOString();

/**
 * A client's ISO 8601 time (any offset) as the stored form: UTC with milliseconds. Stored
 * times compare as text, so "10:00+03:00" must become "07:00Z" before it is written.
 */
export function toStoredTime(value: string): string {
  const d = new Date(value);
  const year = d.getUTCFullYear();
  if (Number.isNaN(d.getTime()) || year < 1970 || year > 9999) throw new RangeError(`not a usable time: ${value}`);
  return d.toISOString();
}
