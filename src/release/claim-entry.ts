import { decodeChangeSetAt } from '../config/change-set-codec.js';
import { toConfigChange, type ConfigChange } from '../config/changes.js';
import { isNewerVersion, parseStoredVersion, type Version } from '../config/version.js';
import type { HistoryEntry } from './history-entry.js';
import { readReleaseMetaAt, type ReleaseMeta } from './release-meta.js';

/** A claim entry's fields (lua/includes/history.lua writeClaimHistory). */
export interface ClaimEntryFields {
  at: number;
  /** The snapshot revision the claim produced; undefined when nothing changed. */
  revision: number | undefined;
  ids: string;
  items: string;
  /** JSON arrays: each key's version and value JSON before the claim, false for none. */
  versions: string;
  values: string;
}

interface KeyState {
  version: Version | undefined;
  valueJson: string | null;
}

/**
 * The history records of a claim of plain change sets, replayed from what the claim applied: the
 * change sets in version order, each key's greatest version winning, as lua/includes/snapshot.lua
 * applied them. A change set without release facts (scheduled with history off) is recorded too, as
 * kind 'change' with no actor, so that every revision's history is whole; one in effect already (taken
 * again after a lease expired) gets no record, as in the release path.
 * Records come oldest first; a record's cursor is "<entry id>:<index>".
 */
export function replayClaimEntry(entryId: string, fields: ClaimEntryFields): HistoryEntry[] {
  const items = readChangeSets(fields);
  const state = keyStatesBefore(items, fields);
  const inVersionOrder = [...items].sort((a, b) => (isNewerVersion(a.version, b.version) ? 1 : -1));

  const entries: HistoryEntry[] = [];
  for (const item of inVersionOrder) {
    const taken: ConfigChange[] = [];
    const previous: ConfigChange[] = [];
    const superseded: string[] = [];
    let inEffect = 0;
    for (const change of item.changes) {
      const key = state.get(change.key)!;
      if (isNewerVersion(item.version, key.version)) {
        taken.push(toConfigChange(change));
        previous.push(toConfigChange({ key: change.key, valueJson: key.valueJson }));
        key.version = item.version;
        key.valueJson = change.valueJson;
      } else if (sameVersion(item.version, key.version!)) {
        inEffect++;
      } else {
        superseded.push(change.key);
      }
    }
    if (inEffect === item.changes.length) continue;
    const entry: HistoryEntry = {
      cursor: `${entryId}:${entries.length}`,
      event: taken.length > 0 ? 'applied' : 'skipped',
      at: fields.at,
      id: item.id,
      seq: item.version.seq,
      effectiveAt: item.version.effectiveAt,
      kind: item.meta?.kind ?? 'change',
      changes: taken.length > 0 ? taken : item.changes.map(toConfigChange),
    };
    if (item.meta?.actor !== undefined) entry.actor = item.meta.actor;
    if (item.meta?.reason !== undefined) entry.reason = item.meta.reason;
    if (taken.length > 0) {
      entry.revision = fields.revision;
      entry.previous = previous;
    }
    if (superseded.length > 0) {
      entry.why = 'superseded';
      entry.keys = superseded;
    }
    entries.push(entry);
  }
  return entries;
}

/** Each key's state before the claim, keys in order of first appearance in the items (as Lua listed them). */
function keyStatesBefore(
  items: readonly { changes: readonly { key: string }[] }[],
  fields: ClaimEntryFields,
): Map<string, KeyState> {
  const versions = JSON.parse(fields.versions) as (string | false)[];
  const values = JSON.parse(fields.values) as (string | false)[];
  const state = new Map<string, KeyState>();
  for (const { changes } of items) {
    for (const { key } of changes) {
      if (state.has(key)) continue;
      const index = state.size;
      const version = versions[index];
      const value = values[index];
      state.set(key, {
        version: version ? parseStoredVersion(version) : undefined,
        valueJson: value ? value : null,
      });
    }
  }
  return state;
}

/**
 * The claimed change sets with their ids: the stored values "<runAt>|<seq>;<changes>[release facts]"
 * written one after the other, read in one pass.
 */
function readChangeSets(fields: ClaimEntryFields) {
  const ids = fields.ids.split(',');
  const bytes = Buffer.from(fields.items);
  const changeSets = [];
  let position = 0;
  while (position < bytes.length) {
    const bar = bytes.indexOf(0x7c /* | */, position);
    const effectiveAt = Number(bytes.toString('latin1', position, bar));
    const { seq, changes, end } = decodeChangeSetAt(bytes, bar + 1);
    position = end;
    // Release facts start with a field, "<bytes>;"; the next change set with its run time, "<runAt>|".
    let digitsEnd = position;
    while (digitsEnd < bytes.length && bytes[digitsEnd]! >= 0x30 && bytes[digitsEnd]! <= 0x39) digitsEnd++;
    let meta: ReleaseMeta | undefined;
    if (bytes[digitsEnd] === 0x3b /* ; */) ({ meta, end: position } = readReleaseMetaAt(bytes, position));
    changeSets.push({ id: ids[changeSets.length]!, version: { effectiveAt, seq }, changes, meta });
  }
  return changeSets;
}

function sameVersion(a: Version, b: Version): boolean {
  return a.effectiveAt === b.effectiveAt && a.seq === b.seq;
}
