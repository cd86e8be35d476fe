import { invalidArgument } from '../errors.js';

/** How the recipe's ZSET scores read: Unix seconds (the recipe's), milliseconds, or either. */
export type ScoreUnit = 's' | 'ms' | 'auto';

/** Below this a score read with 'auto' is seconds (1e11 s is the year 5138; 1e11 ms was 1973). */
const AUTO_SECONDS_BELOW = 1e11;

export function assertScoreUnit(unit: unknown): asserts unit is ScoreUnit {
  if (unit !== 's' && unit !== 'ms' && unit !== 'auto') {
    throw invalidArgument(`scoreUnit must be 's', 'ms' or 'auto' (got ${JSON.stringify(unit)})`);
  }
}

/** A score as epoch ms, or null when it is no time at all (negative, inf, nan). */
export function scoreToMs(score: string, unit: ScoreUnit): number | null {
  const value = Number(score);
  if (!Number.isFinite(value) || value < 0) return null;
  const seconds = unit === 's' || (unit === 'auto' && value < AUTO_SECONDS_BELOW);
  return Math.round(seconds ? value * 1000 : value);
}

/** The score `ms` has in this unit ('auto' is not allowed here: it cannot say which unit a range means). */
export function msToScore(ms: number, unit: 's' | 'ms'): number {
  return unit === 's' ? ms / 1000 : ms;
}
