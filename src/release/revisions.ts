import type { ConfigChange } from '../config/changes.js';
import { HotconfError } from '../errors.js';
import type { HistoryEntry } from './history-entry.js';

/** A key's state at a revision: its value, or that it had none. */
export type KeyState = { value: unknown } | { deleted: true };

export interface KeyDiff {
  key: string;
  from: KeyState;
  to: KeyState;
}

/** An `applied` history entry: the only kind that carries a revision. */
export type AppliedEntry = HistoryEntry & {
  revision: number;
  changes: ConfigChange[];
  previous: ConfigChange[];
};

export function isApplied(entry: HistoryEntry): entry is AppliedEntry {
  return entry.event === 'applied' && entry.revision !== undefined;
}

/**
 * Per-key difference between the snapshot at `fromRevision` and at `toRevision`, computed from the
 * `applied` entries between them (each holds its changes and every changed key's previous value).
 * `applied` must hold every revision in between: throws E_REVISION_TRIMMED when history no longer does,
 * E_UNKNOWN_REVISION for a revision after `currentRevision`. Keys that end where they started are left out.
 */
export function diffRevisions(
  applied: readonly AppliedEntry[],
  fromRevision: number,
  toRevision: number,
  currentRevision: number,
): KeyDiff[] {
  for (const revision of [fromRevision, toRevision]) {
    if (revision > currentRevision) {
      throw new HotconfError(
        'E_UNKNOWN_REVISION',
        `revision ${revision} does not exist yet (the snapshot is at revision ${currentRevision})`,
      );
    }
  }
  const [low, high] = fromRevision <= toRevision ? [fromRevision, toRevision] : [toRevision, fromRevision];
  const between = entriesBetween(applied, low, high);
  const atLow = new Map<string, KeyState>();
  const atHigh = new Map<string, KeyState>();
  for (const entry of between) {
    for (const change of entry.previous) if (!atLow.has(change.key)) atLow.set(change.key, stateOf(change));
    for (const change of entry.changes) atHigh.set(change.key, stateOf(change));
  }
  const diffs: KeyDiff[] = [];
  for (const [key, lowState] of atLow) {
    const highState = atHigh.get(key) ?? lowState;
    if (sameState(lowState, highState)) continue;
    diffs.push(
      fromRevision <= toRevision
        ? { key, from: lowState, to: highState }
        : { key, from: highState, to: lowState },
    );
  }
  return diffs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The changes that put every key changed after `toRevision` back to its value then. */
export function rollbackChanges(
  applied: readonly AppliedEntry[],
  toRevision: number,
  currentRevision: number,
): ConfigChange[] {
  return diffRevisions(applied, currentRevision, toRevision, currentRevision).map(({ key, to }) =>
    'deleted' in to ? { key, deleted: true as const } : { key, value: to.value },
  );
}

/**
 * The entries of revisions low+1 .. high, oldest first (`applied` is newest first); every one of those
 * revisions must be there. A revision is one claim, which may have applied several change sets.
 */
function entriesBetween(applied: readonly AppliedEntry[], low: number, high: number): AppliedEntry[] {
  const byRevision = new Map<number, AppliedEntry[]>();
  for (const entry of [...applied].reverse()) {
    if (entry.revision <= low || entry.revision > high) continue;
    const entries = byRevision.get(entry.revision) ?? [];
    entries.push(entry);
    byRevision.set(entry.revision, entries);
  }
  const ordered: AppliedEntry[] = [];
  for (let revision = low + 1; revision <= high; revision++) {
    const entries = byRevision.get(revision);
    if (!entries) {
      throw new HotconfError(
        'E_REVISION_TRIMMED',
        `history no longer holds revision ${revision}, needed to go from revision ${low} to ${high} ` +
          `(history keeps about historyLimit records; revisions made with history off are not recorded)`,
      );
    }
    ordered.push(...entries);
  }
  return ordered;
}

function stateOf(change: ConfigChange): KeyState {
  return 'deleted' in change ? { deleted: true } : { value: change.value };
}

function sameState(a: KeyState, b: KeyState): boolean {
  if ('deleted' in a || 'deleted' in b) return 'deleted' in a && 'deleted' in b;
  return JSON.stringify(a.value) === JSON.stringify(b.value);
}
