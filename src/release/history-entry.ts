import type { ConfigChange } from '../config/changes.js';
import { decodeChangeList } from './change-list.js';
import type { ChangeKind } from './release-meta.js';

export type HistoryEvent = 'scheduled' | 'rescheduled' | 'cancelled' | 'applied' | 'skipped';

/** Why a change set, or some of its keys, did not take effect. */
export type HistoryWhy =
  /** a key of a change set with baseRevision moved after that revision: nothing applied */
  | 'conflict'
  /** a revert: a newer change touched the key after the change it reverts, so it was left alone */
  | 'newer-change'
  /** a newer version of the key was already in effect */
  | 'superseded';

/** One state change of one change set, as `history()` returns it. */
export interface HistoryEntry {
  /** Position in the history stream; pass as `before` for the next page. */
  cursor: string;
  event: HistoryEvent;
  /** When it happened, by the Redis clock (epoch ms). */
  at: number;
  id: string;
  seq: number;
  effectiveAt: number;
  kind: ChangeKind;
  actor?: string;
  reason?: string;
  /** applied: the snapshot revision this change set produced. */
  revision?: number;
  /** scheduled/applied/skipped: the changes (applied: those that took effect). */
  changes?: ConfigChange[];
  /** applied: each changed key's value just before; `{ deleted: true }` when it had none. */
  previous?: ConfigChange[];
  why?: HistoryWhy;
  /** The keys `why` is about. */
  keys?: string[];
}

/**
 * Reads one stream entry as lua/includes/history.lua writes it: flat field/value pairs, changes and
 * previous values length-prefixed like a change set's changes ("<count>;..."), keys as a change list too.
 */
export function parseHistoryEntry(cursor: string, flat: readonly string[]): HistoryEntry {
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i]!, flat[i + 1]!);
  const entry: HistoryEntry = {
    cursor,
    event: fields.get('event') as HistoryEvent,
    at: Number(cursor.slice(0, cursor.indexOf('-'))),
    id: fields.get('id') ?? '',
    seq: Number(fields.get('seq')),
    effectiveAt: Number(fields.get('effectiveAt')),
    kind: (fields.get('kind') || 'change') as ChangeKind,
  };
  const text = (name: string) => {
    const value = fields.get(name);
    return value === undefined || value === '' ? undefined : value;
  };
  const actor = text('actor');
  const reason = text('reason');
  const revision = text('revision');
  const changes = text('changes');
  const previous = text('previous');
  const why = text('why');
  const keys = text('keys');
  if (actor !== undefined) entry.actor = actor;
  if (reason !== undefined) entry.reason = reason;
  if (revision !== undefined) entry.revision = Number(revision);
  if (changes !== undefined) entry.changes = decodeChangeList(changes);
  if (previous !== undefined) entry.previous = decodeChangeList(previous);
  if (why !== undefined) entry.why = why as HistoryWhy;
  if (keys !== undefined) entry.keys = decodeChangeList(keys).map((change) => change.key);
  return entry;
}
