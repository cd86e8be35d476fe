import { hasLoneSurrogate } from '../config/unicode.js';
import { HotconfError, invalidArgument } from '../errors.js';

/** Ids travel in Lua replies and NSQ envelopes unescaped, so they are kept to a safe alphabet. */
const ID_PATTERN = /^[A-Za-z0-9_.:-]+$/;
export const MAX_ID_BYTES = 256;

export function assertId(id: unknown, what = 'id'): asserts id is string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_BYTES || !ID_PATTERN.test(id)) {
    throw invalidArgument(
      `${what} must be 1-${MAX_ID_BYTES} characters of A-Z a-z 0-9 _ . : - (got ${JSON.stringify(id)})`,
    );
  }
}

/** `value` when it is an integer from `min` to `max`; E_INVALID_ARGUMENT naming `what` otherwise. */
export function assertIntegerInRange(
  value: unknown,
  what: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    throw invalidArgument(`${what} must be an integer ${range} (got ${String(value)})`);
  }
  return value;
}

/** Node runs a timer of more than 2^31-1 ms after 1 ms: longer waits are refused, not shortened. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A wait a timer can hold: an integer from 1 to MAX_TIMER_MS ms. */
export function assertTimerMs(value: unknown, what: string): number {
  return assertIntegerInRange(value, what, 1, MAX_TIMER_MS);
}

export function assertPositiveInteger(value: unknown, what: string, max = Number.MAX_SAFE_INTEGER): number {
  return assertIntegerInRange(value, what, 1, max);
}

export function assertNonNegativeInteger(value: unknown, what: string): number {
  return assertIntegerInRange(value, what, 0);
}

export function assertPayload(payload: unknown, maxBytes: number): asserts payload is string {
  if (typeof payload !== 'string') throw invalidArgument(`payload must be a string (got ${typeof payload})`);
  if (hasLoneSurrogate(payload))
    throw invalidArgument('payload is not well-formed Unicode (a lone surrogate)');
  const bytes = Buffer.byteLength(payload);
  if (bytes > maxBytes) {
    throw new HotconfError('E_PAYLOAD_TOO_LARGE', `payload is ${bytes} bytes; the limit is ${maxBytes}`);
  }
}

/** An options argument: absent (undefined) or a plain object; `null`, numbers and strings are refused. */
export function assertOptionalObject<T extends object>(value: T | undefined, what: string): T | undefined {
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw invalidArgument(`${what} must be an object (got ${value === null ? 'null' : typeof value})`);
  }
  return value;
}

/** The latest time accepted, 9999-12-31T23:59:59.999Z: beyond it dates stop being dates. */
export const MAX_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** The longest delay accepted: 100 years. */
export const MAX_DELAY_MS = 100 * 365.25 * 24 * 60 * 60 * 1000;

/** When an item should run: either an absolute time or a delay from the Redis server's now. */
export type RunTime = { mode: 'at'; ms: number } | { mode: 'delay'; ms: number };

export interface When {
  /** A Date or epoch milliseconds, at most year 9999; in the past means now. */
  at?: Date | number;
  /** Milliseconds from the Redis server's clock (not this process's), at most 100 years. */
  delayMs?: number;
}

/** Neither `at` nor `delayMs` means now, unless `required`. */
export function resolveWhen(when: When | undefined, { required = false } = {}): RunTime {
  const { at, delayMs } = assertOptionalObject(when, 'the time options') ?? {};
  if (at !== undefined && delayMs !== undefined) throw invalidArgument('give either at or delayMs, not both');
  if (at !== undefined) {
    const ms = at instanceof Date ? at.getTime() : at;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_TIME_MS) {
      throw invalidArgument(
        `at must be a valid Date or epoch milliseconds up to year 9999 (got ${String(at)})`,
      );
    }
    return { mode: 'at', ms: Math.floor(ms) };
  }
  if (delayMs === undefined) {
    if (required) throw invalidArgument('give a time: at or delayMs');
    return { mode: 'delay', ms: 0 };
  }
  if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0 || delayMs > MAX_DELAY_MS) {
    throw invalidArgument(
      `delayMs must be a number from 0 to ${MAX_DELAY_MS} (100 years) (got ${String(delayMs)})`,
    );
  }
  return { mode: 'delay', ms: Math.ceil(delayMs) };
}
