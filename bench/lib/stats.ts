/** The p-th percentile (0-100) by nearest rank; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Events per second, rounded to a whole number. */
export function perSecond(count: number, elapsedMs: number): number {
  return Math.round((count * 1000) / elapsedMs);
}

/** Rounds to `digits` decimals, for figures meant to be read. */
export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** The run with the highest rate. */
export function fastest<Run extends { opsPerSec: number }>(runs: readonly Run[]): Run {
  return runs.reduce((best, run) => (run.opsPerSec > best.opsPerSec ? run : best));
}

/** Duplicates over all runs. */
export function totalDuplicates(runs: readonly { duplicates: number }[]): number {
  return runs.reduce((sum, run) => sum + run.duplicates, 0);
}
