import { invalidArgument } from '../errors.js';
import { assertNonNegativeInteger, MAX_TIME_MS } from '../queue/validate.js';

export const MAX_ACTOR_BYTES = 128;
export const MAX_REASON_BYTES = 1024;
export const DEFAULT_HISTORY_LIMIT = 10_000;

/** Who made a change, or why: a bounded string of printable text (one history line each). */
export function assertLabel(value: unknown, what: 'actor' | 'reason'): string | undefined {
  if (value === undefined) return undefined;
  const max = what === 'actor' ? MAX_ACTOR_BYTES : MAX_REASON_BYTES;
  if (typeof value !== 'string' || value.length === 0 || Buffer.byteLength(value) > max) {
    throw invalidArgument(`${what} must be a non-empty string of at most ${max} bytes`);
  }
  // Control characters would let one entry forge lines of another in a terminal or a log.
  if (/\p{Cc}/u.test(value)) throw invalidArgument(`${what} must not contain control characters`);
  return value;
}

/** An epoch-ms instant from a Date or a number, or E_INVALID_ARGUMENT naming `what`. */
export function toEpochMs(value: unknown, what: string): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_TIME_MS) {
    throw invalidArgument(`${what} must be a valid Date or epoch milliseconds (got ${String(value)})`);
  }
  return Math.floor(ms);
}

/**
 * The end of a time-boxed change, which must come after its start. `startMs` is when it takes effect
 * as this process sees it (a delayMs counts from this process's now: close enough to refuse a revert
 * that would come before its change).
 */
export function resolveUntil(until: unknown, startMs: number): number | undefined {
  if (until === undefined) return undefined;
  const untilAt = toEpochMs(until, 'until');
  if (untilAt <= startMs) {
    throw invalidArgument(
      `until (${new Date(untilAt).toISOString()}) must come after the change takes effect (${new Date(startMs).toISOString()})`,
    );
  }
  return untilAt;
}

export function assertRevision(value: unknown, what: string): number {
  return assertNonNegativeInteger(value, what);
}
