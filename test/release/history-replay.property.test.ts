import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { createScheduler, DelayQueue, type ConfigChange, type HistoryEntry } from 'hotconf';
import { describe, expect, it } from 'vitest';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';
import { propertyRuns, propertyTimeoutMs } from '../properties/runs.js';

// Random change sets over three keys (sets and deletes), due at a few shared instants so that claim
// order (run time, then id) and version order (run time, then seq) differ, claimed in batches cut
// anywhere; some scheduled with history off, some time-boxed or checked against revision 0 (a conflict
// once any of their keys changed) so that their claim takes the release path instead of the plain one.
// History must tell exactly what each claim did, as a model predicts that applies each claim's change
// sets in version order: applied (the claim's revision, what took effect, each key's value before), or
// skipped as superseded or in conflict. And current() holds each key's greatest version, which a diff
// from revision 0 gives too (or refuses, when a claim of history-off change sets left a revision out).
const RUNS = propertyRuns(25);
const KEYS = ['a', 'b', 'c'] as const;

const changeSetArbitrary = fc.record({
  name: fc.integer({ min: 0, max: 999 }),
  changes: fc.uniqueArray(
    fc.record({ key: fc.constantFrom(...KEYS), value: fc.option(fc.integer({ min: 0, max: 9 })) }),
    { selector: (change) => change.key, minLength: 1, maxLength: 3 },
  ),
  slot: fc.integer({ min: 0, max: 2 }),
  mode: fc.constantFrom('history', 'history', 'history', 'time-boxed', 'base-checked', 'no-history'),
});
const runArbitrary = fc.record({
  sets: fc.uniqueArray(changeSetArbitrary, { selector: (set) => set.name, minLength: 1, maxLength: 10 }),
  batchSizes: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 5 }),
});

interface Scheduled {
  id: string;
  effectiveAt: number;
  seq: number;
  changes: ConfigChange[];
  recorded: boolean;
  baseRevision?: number;
}

type ExpectedRecord = Pick<HistoryEntry, 'event' | 'id' | 'changes'> &
  Partial<Pick<HistoryEntry, 'revision' | 'previous' | 'why' | 'keys'>>;

/**
 * What history should hold, claim by claim, and the config at the end: the model. A claim holding a
 * change set scheduled with history on records every change set it applied; one without any records
 * nothing, and history no longer holds every revision (`complete`).
 */
function expectedHistory(claims: Scheduled[][]) {
  const state = new Map<string, { at: number; seq: number; change: ConfigChange; revision: number }>();
  const records: ExpectedRecord[] = [];
  let revision = 0;
  let complete = true;
  for (const claim of claims) {
    const recorded = claim.some((set) => set.recorded);
    const inVersionOrder = [...claim].sort((x, y) => x.effectiveAt - y.effectiveAt || x.seq - y.seq);
    const claimRecords: ExpectedRecord[] = [];
    let changed = false;
    for (const set of inVersionOrder) {
      const base = set.baseRevision;
      const moved = set.changes
        .map(({ key }) => key)
        .filter((key) => base !== undefined && (state.get(key)?.revision ?? 0) > base);
      if (moved.length > 0) {
        claimRecords.push({
          event: 'skipped',
          id: set.id,
          changes: set.changes,
          why: 'conflict',
          keys: moved,
        });
        continue;
      }
      const taken: ConfigChange[] = [];
      const previous: ConfigChange[] = [];
      const superseded: string[] = [];
      for (const change of set.changes) {
        const current = state.get(change.key);
        if (
          !current ||
          current.at < set.effectiveAt ||
          (current.at === set.effectiveAt && current.seq < set.seq)
        ) {
          taken.push(change);
          previous.push(current?.change ?? { key: change.key, deleted: true });
          state.set(change.key, { at: set.effectiveAt, seq: set.seq, change, revision: revision + 1 });
        } else {
          superseded.push(change.key);
        }
      }
      changed ||= taken.length > 0;
      if (!recorded) continue;
      const record: ExpectedRecord =
        taken.length > 0
          ? { event: 'applied', id: set.id, changes: taken, previous }
          : { event: 'skipped', id: set.id, changes: set.changes };
      if (superseded.length > 0) Object.assign(record, { why: 'superseded', keys: superseded });
      claimRecords.push(record);
    }
    if (changed) revision++;
    if (changed && !recorded) complete = false;
    for (const record of claimRecords) if (record.event === 'applied') record.revision = revision;
    records.push(...claimRecords);
  }
  const values: Record<string, unknown> = {};
  for (const [key, { change }] of state) if ('value' in change) values[key] = change.value;
  return { records, revision, values, complete };
}

type Run = typeof runArbitrary extends fc.Arbitrary<infer R> ? R : never;

// Found by this property and by review, kept as examples: a change a scheduler with history off applied
// was not seen by a later conflict check; and one claimed beside a recorded one was left out of history,
// so a diff or rollback across their shared revision missed it.
const EXAMPLES: [Run][] = [
  [
    {
      sets: [
        { name: 0, changes: [{ key: 'a', value: null }], slot: 0, mode: 'no-history' },
        { name: 1, changes: [{ key: 'a', value: null }], slot: 0, mode: 'base-checked' },
      ],
      batchSizes: [1],
    },
  ],
  [
    {
      sets: [
        { name: 0, changes: [{ key: 'a', value: 1 }], slot: 0, mode: 'history' },
        { name: 1, changes: [{ key: 'b', value: 1 }], slot: 0, mode: 'no-history' },
      ],
      batchSizes: [2],
    },
  ],
];

describe('history of claims against a model', () => {
  const services = useServices();

  it(
    'records what each claim applied, on the plain path and the release path alike',
    async () => {
      const redis = connectRedis(services.redis.url);
      await fc.assert(
        fc.asyncProperty(runArbitrary, async ({ sets, batchSizes }) => {
          const prefix = uniquePrefix('history-model');
          const withHistory = createScheduler({ redis, topic: 'model', prefix });
          const withoutHistory = createScheduler({ redis, topic: 'model', prefix, historyLimit: 0 });
          const claimer = new DelayQueue({ redis, prefix, claimScript: 'claimChanges' } as never);
          const dueAt = Date.now() + 250;
          const scheduled = new Map<string, Scheduled>();
          for (const set of sets) {
            const changes: ConfigChange[] = set.changes.map(({ key, value }) =>
              value === null ? { key, deleted: true } : { key, value },
            );
            const id = `s${set.name}`;
            const scheduler = set.mode === 'no-history' ? withoutHistory : withHistory;
            const releaseOptions = {
              'time-boxed': { until: dueAt + 3_600_000 },
              'base-checked': { baseRevision: 0 },
            }[set.mode as string];
            const { effectiveAt, seq } = await scheduler.schedule(
              { changes },
              { id, at: dueAt + set.slot * 5, ...releaseOptions },
            );
            scheduled.set(id, {
              id,
              effectiveAt,
              seq,
              changes,
              recorded: set.mode !== 'no-history',
              ...(set.mode === 'base-checked' ? { baseRevision: 0 } : {}),
            });
          }
          await sleep(Math.max(0, dueAt + 20 - Date.now()));

          // Each claim takes the next change sets in due order (run time, then id); those it skips as
          // conflicts are left out of its reply.
          const dueOrder = [...scheduled.values()].sort(
            (x, y) => x.effectiveAt - y.effectiveAt || (x.id < y.id ? -1 : 1),
          );
          const claims: Scheduled[][] = [];
          for (let taken = 0, round = 0; taken < dueOrder.length; round++) {
            const max = batchSizes[round % batchSizes.length]!;
            const batch = dueOrder.slice(taken, taken + max);
            taken += batch.length;
            const { items } = await claimer.claim({ max });
            expect(items.every((item) => batch.some((set) => set.id === item.id))).toBe(true);
            claims.push(batch);
          }
          const expected = expectedHistory(claims);

          const actual = (await withHistory.history({ limit: 1000 }))
            .filter((entry) => entry.event === 'applied' || entry.event === 'skipped')
            .reverse()
            .map(({ event, id, changes, revision, previous, why, keys }) => {
              const record: ExpectedRecord = { event, id, changes };
              if (revision !== undefined) Object.assign(record, { revision, previous });
              if (why !== undefined) Object.assign(record, { why, keys });
              return record;
            });
          expect(actual).toEqual(expected.records);
          expect(await withHistory.current()).toEqual({
            revision: expected.revision,
            values: expected.values,
          });
          // Diff from the empty config: every key that has a value now, or refused when a revision is
          // missing from history (a claim of change sets all scheduled with history off).
          const diff = withHistory.diff(0);
          if (expected.complete) {
            await expect(diff).resolves.toEqual(
              Object.entries(expected.values)
                .sort(([a], [b]) => (a < b ? -1 : 1))
                .map(([key, value]) => ({ key, from: { deleted: true }, to: { value } })),
            );
          } else {
            await expect(diff).rejects.toMatchObject({ code: 'E_REVISION_TRIMMED' });
          }
          await Promise.all([withHistory.stop(), withoutHistory.stop(), claimer.close()]);
        }),
        { numRuns: RUNS, examples: EXAMPLES },
      );
    },
    propertyTimeoutMs(RUNS, 600),
  );
});
