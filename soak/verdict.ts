import type { AppliedChange } from '../test/helpers/hotconf-process.js';
import type { AcknowledgedChange } from './change-driver.js';
import { compareVersions, type Version } from './versions.js';

type Config = Record<string, unknown>;

/** Per key, the value of the greatest acknowledged version (keys whose winner is a delete are absent). */
export function expectedConfig(acknowledged: readonly AcknowledgedChange[]): Config {
  const winners = new Map<string, { version: Version; value: unknown; deleted: boolean }>();
  for (const change of acknowledged) {
    for (const entry of change.changes) {
      const current = winners.get(entry.key);
      if (current && compareVersions(current.version, change) >= 0) continue;
      const deleted = 'deleted' in entry;
      winners.set(entry.key, { version: change, value: deleted ? undefined : entry.value, deleted });
    }
  }
  return Object.fromEntries([...winners].filter(([, w]) => !w.deleted).map(([key, w]) => [key, w.value]));
}

/** Keys whose value in `actual` differs from `expected` (missing, extra or other). */
export function differingKeys(expected: Config, actual: Config): string[] {
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  return [...keys].filter((key) => JSON.stringify(expected[key]) !== JSON.stringify(actual[key]));
}

/**
 * Changes an instance applied to a key after one of a greater version (per process incarnation). A
 * change from NSQ is known by its id; one from a snapshot reload by its value (each change's values are
 * its own number), a deleted key from a reload carries nothing to tell its version and is not judged.
 */
export function outOfOrder(
  applied: readonly AppliedChange[],
  acknowledged: readonly AcknowledgedChange[],
): number {
  const byId = new Map(acknowledged.map((change) => [change.id, change]));
  const byNumber = new Map(acknowledged.map((change) => [change.n, change]));
  const last = new Map<string, Version>();
  let count = 0;
  for (const change of applied) {
    const version =
      change.id !== null
        ? byId.get(change.id)
        : typeof change.newValue === 'number'
          ? byNumber.get(change.newValue)
          : undefined;
    if (!version) continue;
    const slot = `${change.incarnation}/${change.key}`;
    const previous = last.get(slot);
    if (previous && compareVersions(version, previous) < 0) count += 1;
    else last.set(slot, version);
  }
  return count;
}
