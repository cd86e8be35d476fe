import { decodeChangeSet } from '../config/change-set-codec.js';
import { toConfigChange, type ConfigChange } from '../config/changes.js';
import { parseStoredItem } from '../queue/stored-item.js';
import { decodeChangeList } from './change-list.js';
import { replayClaimEntry } from './claim-entry.js';
import { readField } from './fields.js';
import { decodeReleaseMeta, type ChangeKind } from './release-meta.js';

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
 * Reads one stream entry as lua/includes/history.lua writes it, and returns its records oldest first;
 * a record's cursor is "<entry id>:<index>". Fields 'records' <count> and 'at' <ms>, then either
 * 'batch': records, each length-prefixed fields (./fields.ts): event, id, item (the stored change set),
 * revision, why, keys, changes, and for `applied` one previous value per change that took effect;
 * or a claim of plain change sets, replayed by ./claim-entry.ts.
 */
export function parseHistoryEntries(entryId: string, flat: readonly string[]): HistoryEntry[] {
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i]!, flat[i + 1]!);
  const at = Number(fields.get('at'));
  if (fields.has('items')) {
    const revision = fields.get('revision');
    return replayClaimEntry(entryId, {
      at,
      revision: revision ? Number(revision) : undefined,
      ids: fields.get('ids') ?? '',
      items: fields.get('items') ?? '',
      versions: fields.get('versions') ?? '[]',
      values: fields.get('values') ?? '[]',
    });
  }
  const bytes = Buffer.from(fields.get('batch') ?? '');
  let position = 0;
  const next = (): string | undefined => {
    const { text, end } = readField(bytes, position);
    position = end;
    return text === '' ? undefined : text;
  };
  const entries: HistoryEntry[] = [];
  for (let index = 0; index < Number(fields.get('records')); index++) {
    const [event, id, item, revision, why, keys, changesTaken] = [
      next(),
      next(),
      next(),
      next(),
      next(),
      next(),
      next(),
    ];
    const { runAt, payload } = parseStoredItem(item ?? '');
    const meta = decodeReleaseMeta(payload);
    const stored = decodeChangeSet(payload);
    const changes = changesTaken ? decodeChangeList(changesTaken) : stored.changes.map(toConfigChange);
    const entry: HistoryEntry = {
      cursor: `${entryId}:${index}`,
      event: event as HistoryEvent,
      at,
      id: id ?? '',
      seq: stored.seq,
      effectiveAt: runAt,
      kind: meta?.kind ?? 'change',
      changes,
    };
    if (meta?.actor !== undefined) entry.actor = meta.actor;
    if (meta?.reason !== undefined) entry.reason = meta.reason;
    if (revision !== undefined) {
      entry.revision = Number(revision);
      entry.previous = changes.map(({ key }) => toConfigChange({ key, valueJson: next() ?? null }));
    }
    if (why !== undefined) entry.why = why as HistoryWhy;
    if (keys !== undefined) entry.keys = decodeChangeList(keys).map((change) => change.key);
    entries.push(entry);
  }
  return entries;
}
