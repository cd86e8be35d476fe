import type { ConfigChange, When } from '../index.js';
import { UsageError } from './usage.js';

const DURATION_UNITS_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** `500ms`, `10s`, `1.5m`, `2h`, `1d` → milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const match = DURATION.exec(text);
  if (!match) throw new UsageError(`${flag} takes a duration like 500ms, 10s, 5m, 2h or 1d (got "${text}")`);
  const unit = match[2] as keyof typeof DURATION_UNITS_MS;
  return Math.round(Number(match[1]) * DURATION_UNITS_MS[unit]);
}

// A zone is required: a change scheduled for "midnight" must not depend on the operator's TZ setting.
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 date-time with a zone, e.g. `2026-12-01T00:00:00Z` or `2026-12-01T01:00+01:00`. */
export function parseIsoDate(text: string, flag: string): Date {
  const match = ISO_DATE_TIME.exec(text);
  const date = new Date(text);
  if (!match || Number.isNaN(date.getTime()) || !isCalendarDate(match[1]!, match[2]!, match[3]!)) {
    throw new UsageError(
      `${flag} takes an ISO date-time with a zone, like 2026-12-01T00:00:00Z (got "${text}")`,
    );
  }
  return date;
}

// Date accepts 2026-02-30 and rolls it over into March.
function isCalendarDate(year: string, month: string, day: string): boolean {
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day);
}

/** `--at` or `--in` (not both); neither means now unless one is required. */
export function parseWhen(values: { at?: string; in?: string }, required: boolean): When {
  if (values.at !== undefined && values.in !== undefined)
    throw new UsageError('give either --at or --in, not both');
  if (values.at !== undefined) return { at: parseIsoDate(values.at, '--at') };
  if (values.in !== undefined) return { delayMs: parseDuration(values.in, '--in') };
  if (required) throw new UsageError('missing --at ISO or --in DURATION');
  return {};
}

/** `KEY=VALUE`: the value is JSON when it parses as JSON (`5`, `true`, `{"a":1}`), else the raw string. */
export function parseAssignment(text: string): ConfigChange {
  const equals = text.indexOf('=');
  if (equals < 1) throw new UsageError(`expected KEY=VALUE (got "${text}")`);
  const raw = text.slice(equals + 1);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = raw;
  }
  return { key: text.slice(0, equals), value };
}

export function parsePositiveInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(`${flag} takes a whole number of at least 1 (got "${text}")`);
  }
  return value;
}
