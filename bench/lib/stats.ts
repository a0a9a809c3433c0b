/** Small statistics over samples. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function summarize(values: ArrayLike<number>): { n: number; p50: number; p99: number; max: number; mean: number } {
  const a = Float64Array.from(values as ArrayLike<number>).sort();
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i];
  return { n: a.length, p50: percentile(a, 50), p99: percentile(a, 99), max: a.length ? a[a.length - 1] : NaN, mean: a.length ? sum / a.length : NaN };
}

export const round = (x: number, digits = 2) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null);
