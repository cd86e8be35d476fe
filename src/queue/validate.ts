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

export function assertPositiveInteger(value: unknown, what: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw invalidArgument(`${what} must be an integer from 1 to ${max} (got ${String(value)})`);
  }
  return value;
}

export function assertNonNegativeInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw invalidArgument(`${what} must be a non-negative integer (got ${String(value)})`);
  }
  return value;
}

export function assertPayload(payload: unknown, maxBytes: number): asserts payload is string {
  if (typeof payload !== 'string') throw invalidArgument(`payload must be a string (got ${typeof payload})`);
  const bytes = Buffer.byteLength(payload);
  if (bytes > maxBytes) {
    throw new HotconfError('E_PAYLOAD_TOO_LARGE', `payload is ${bytes} bytes; the limit is ${maxBytes}`);
  }
}

/** When an item should run: either an absolute time or a delay from the Redis server's now. */
export type RunTime = { mode: 'at'; ms: number } | { mode: 'delay'; ms: number };

export interface When {
  /** A Date or epoch milliseconds; in the past means now. */
  at?: Date | number;
  /** Milliseconds from the Redis server's clock (not this process's). */
  delayMs?: number;
}

/** Neither `at` nor `delayMs` means now. */
export function resolveWhen(when: When): RunTime {
  const { at, delayMs } = when;
  if (at !== undefined && delayMs !== undefined) throw invalidArgument('give either at or delayMs, not both');
  if (at !== undefined) {
    const ms = at instanceof Date ? at.getTime() : at;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw invalidArgument(`at must be a valid Date or epoch milliseconds (got ${String(at)})`);
    }
    return { mode: 'at', ms: Math.floor(ms) };
  }
  if (delayMs === undefined) return { mode: 'delay', ms: 0 };
  if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0) {
    throw invalidArgument(`delayMs must be a finite number >= 0 (got ${String(delayMs)})`);
  }
  return { mode: 'delay', ms: Math.ceil(delayMs) };
}
