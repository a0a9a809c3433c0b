/** The clock, injected so rules can be tested without waiting. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
export const iso = (d: Date) => d.toISOString();
