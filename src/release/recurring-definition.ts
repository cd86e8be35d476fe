import {
  normalizeChanges,
  type ChangeSetInput,
  type ConfigChange,
  type NormalizedChange,
} from '../config/changes.js';
import { invalidArgument } from '../errors.js';
import { assertId, assertPositiveInteger } from '../queue/validate.js';
import { encodeChanges } from '../config/change-set-codec.js';
import { decodeChangeList } from './change-list.js';
import { readFields, writeFields } from './fields.js';
import { assertCronSchedule, type CronSchedule } from './occurrences.js';
import { assertLabel } from './validate.js';

/** What `scheduleRecurring()` takes. */
export interface RecurringInput {
  /** Names the recurring change; its occurrences get the ids "<id>:<epoch ms>". */
  id: string;
  /** Five fields (minute first) or six (second first), e.g. '0 22 * * *'. */
  cron: string;
  /** IANA time zone the cron expression reads in. Default UTC. */
  timezone?: string;
  change: ChangeSetInput;
  /** Each occurrence reverts after this long (a time-boxed change); without it, it stays. */
  durationMs?: number;
  actor?: string;
  reason?: string;
}

/** A recurring change as `recurring()` lists it. */
export interface RecurringChange {
  id: string;
  cron: string;
  timezone: string;
  changes: ConfigChange[];
  durationMs?: number;
  actor?: string;
  reason?: string;
  /** The pending occurrence's time (epoch ms), null while none is scheduled yet. */
  nextRunAt: number | null;
}

/** Occurrence ids append ":<13 digits>" and reverts ".revert" to this id: keep them within MAX_ID_BYTES. */
const MAX_RECURRING_ID_LENGTH = 200;

/** The definition as lua/includes/recurring.lua reads it. */
export const RECURRING_FIELDS = [
  'cron',
  'timezone',
  'durationMs',
  'actor',
  'reason',
  'historyLimit',
  'changes',
  'times',
  'current',
] as const;

export interface ValidRecurring extends CronSchedule {
  id: string;
  /** The encoded change list "<count>;..." each occurrence carries. */
  changes: string;
  normalized: NormalizedChange[];
  durationMs?: number;
  actor?: string;
  reason?: string;
}

export function assertRecurringId(id: unknown): asserts id is string {
  assertId(id, 'recurring id');
  if (id.length > MAX_RECURRING_ID_LENGTH) {
    throw invalidArgument(`recurring id must be at most ${MAX_RECURRING_ID_LENGTH} characters`);
  }
}

/** Validates everything before anything is written; throws E_INVALID_ARGUMENT. */
export function validateRecurring(input: RecurringInput, maxKeyBytes: number): ValidRecurring {
  if (typeof input !== 'object' || input === null) throw invalidArgument('a recurring change is required');
  assertRecurringId(input.id);
  const schedule = assertCronSchedule(input.cron, input.timezone ?? 'UTC');
  const normalized = normalizeChanges(input.change, maxKeyBytes);
  const valid: ValidRecurring = {
    id: input.id,
    ...schedule,
    changes: encodeChanges(normalized),
    normalized,
  };
  if (input.durationMs !== undefined)
    valid.durationMs = assertPositiveInteger(input.durationMs, 'durationMs');
  const actor = assertLabel(input.actor, 'actor');
  const reason = assertLabel(input.reason, 'reason');
  if (actor !== undefined) valid.actor = actor;
  if (reason !== undefined) valid.reason = reason;
  return valid;
}

export function encodeRecurring(
  definition: ValidRecurring,
  historyLimit: number,
  times: readonly number[],
): string {
  return writeFields({ ...definition, historyLimit, times: times.join(','), current: '' }, RECURRING_FIELDS);
}

/** A definition as stored: its occurrence times still precomputed, and what `recurring()` lists. */
export interface StoredRecurring {
  times: number[];
  record: RecurringChange;
}

/** The run time of a pending occurrence "<occurrence id>:<epoch ms>"; null when none is pending. */
export function occurrenceRunAt(current: string | undefined): number | null {
  return current ? Number(current.slice(current.lastIndexOf(':') + 1)) : null;
}

export function decodeRecurring(id: string, encoded: string): StoredRecurring {
  const fields = readFields(Buffer.from(encoded), 0, RECURRING_FIELDS);
  const times = fields.times ? fields.times.split(',').map(Number) : [];
  const changes = decodeChangeList(fields.changes ?? '0;');
  const record: RecurringChange = {
    id,
    cron: fields.cron ?? '',
    timezone: fields.timezone ?? 'UTC',
    changes,
    nextRunAt: occurrenceRunAt(fields.current),
  };
  if (fields.durationMs !== undefined) record.durationMs = Number(fields.durationMs);
  if (fields.actor !== undefined) record.actor = fields.actor;
  if (fields.reason !== undefined) record.reason = fields.reason;
  return { times, record };
}
