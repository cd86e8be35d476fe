import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConfigSnapshot } from '../../src/config/snapshot.js';
import { isNewerVersion, type Version } from '../../src/config/version.js';
import { ConfigGate, type Validate } from '../../src/subscriber/config-gate.js';
import {
  ConfigState,
  updatesFromEnvelope,
  updatesFromSnapshot,
  type FrozenConfig,
} from '../../src/subscriber/config-state.js';

/**
 * Model-based property tests of the subscriber's apply path in memory (ConfigState behind ConfigGate):
 * random change sets, delivered as envelopes and as snapshots in any order and any number of times,
 * with a validate that refuses some values. Runs: HOTCONF_PROPERTY_RUNS (default 300).
 */
const RUNS = Number(process.env.HOTCONF_PROPERTY_RUNS ?? 300);
const KEYS = ['a', 'b', 'c', 'd'] as const;

interface ChangeSet {
  id: string;
  version: Version;
  /** key -> value; undefined is a delete. */
  changes: Map<string, number | undefined>;
}

type Delivery = { kind: 'envelope'; index: number } | { kind: 'snapshot'; upTo: number };

const changeSetsArbitrary = fc
  .array(
    fc.record({
      effectiveAt: fc.integer({ min: 0, max: 6 }),
      changes: fc.uniqueArray(
        fc.record({
          key: fc.constantFrom(...KEYS),
          value: fc.option(fc.integer({ min: -2, max: 9 }), { nil: undefined }),
        }),
        { minLength: 1, maxLength: 3, selector: (change) => change.key },
      ),
    }),
    { minLength: 1, maxLength: 10 },
  )
  .map((drafts) =>
    drafts.map(({ effectiveAt, changes }, index): ChangeSet => ({
      id: `cs-${index}`,
      version: { effectiveAt, seq: index + 1 },
      changes: new Map(changes.map(({ key, value }) => [key, value])),
    })),
  );

const scenarioArbitrary = changeSetsArbitrary.chain((changeSets) =>
  fc.record({
    changeSets: fc.constant(changeSets),
    deliveries: fc.array(
      fc.oneof(
        fc
          .integer({ min: 0, max: changeSets.length - 1 })
          .map((index): Delivery => ({ kind: 'envelope', index })),
        fc.integer({ min: 0, max: changeSets.length }).map((upTo): Delivery => ({ kind: 'snapshot', upTo })),
      ),
      { minLength: 1, maxLength: 25 },
    ),
  }),
);

/** The snapshot after the scheduler applied the first `upTo` change sets (per key the greatest version). */
function snapshotAfter(changeSets: readonly ChangeSet[], upTo: number): ConfigSnapshot {
  const values: Record<string, unknown> = {};
  const versions: Record<string, Version> = {};
  for (const { version, changes } of changeSets.slice(0, upTo)) {
    for (const [key, value] of changes) {
      if (!isNewerVersion(version, versions[key])) continue;
      versions[key] = version;
      if (value === undefined) delete values[key];
      else values[key] = value;
    }
  }
  return { revision: upTo, values, versions };
}

function envelopeOf({ id, version, changes }: ChangeSet): Parameters<typeof updatesFromEnvelope>[0] {
  return {
    v: 1,
    id,
    seq: version.seq,
    effectiveAt: version.effectiveAt,
    publishedAt: version.effectiveAt,
    changes: [...changes].map(([key, value]) =>
      value === undefined ? { key, deleted: true } : { key, value },
    ),
  };
}

/** Delivers one message to the gate. */
function deliver(gate: ConfigGate, changeSets: readonly ChangeSet[], delivery: Delivery): void {
  if (delivery.kind === 'envelope') {
    gate.applyChangeSet(updatesFromEnvelope(envelopeOf(changeSets[delivery.index]!)));
  } else {
    gate.mergeSnapshot(updatesFromSnapshot(snapshotAfter(changeSets, delivery.upTo)));
  }
}

const refusesNegatives: Validate = (config) => Object.values(config).every((value) => (value as number) >= 0);

/**
 * The reference: what the subscriber must hold when validate judges each value alone. A change set (or
 * a snapshot's part of one: the keys sharing a version) goes in when each of its newer values is
 * acceptable; otherwise its newer keys are held back, at the greatest version refused.
 */
class ReferenceModel {
  readonly held = new Map<string, { version: Version; value: number | undefined }>();
  readonly refused = new Map<string, Version>();

  deliver(changeSets: readonly ChangeSet[], delivery: Delivery): void {
    if (delivery.kind === 'envelope') {
      const { version, changes } = changeSets[delivery.index]!;
      this.offer([...changes].map(([key, value]) => ({ key, version, value })));
      return;
    }
    const { values, versions } = snapshotAfter(changeSets, delivery.upTo);
    const groups = new Map<string, { key: string; version: Version; value: number | undefined }[]>();
    for (const [key, version] of Object.entries(versions)) {
      const group = groups.get(`${version.effectiveAt}:${version.seq}`) ?? [];
      group.push({ key, version, value: values[key] as number | undefined });
      groups.set(`${version.effectiveAt}:${version.seq}`, group);
    }
    for (const group of groups.values()) this.offer(group);
  }

  private offer(updates: { key: string; version: Version; value: number | undefined }[]): void {
    const newer = updates.filter(({ key, version }) => isNewerVersion(version, this.held.get(key)?.version));
    if (newer.length === 0) return;
    if (newer.every(({ value }) => value === undefined || value >= 0)) {
      for (const { key, version, value } of newer) {
        this.held.set(key, { version, value });
        const refused = this.refused.get(key);
        if (refused && !isNewerVersion(refused, version)) this.refused.delete(key);
      }
      return;
    }
    for (const { key, version } of newer) {
      const refused = this.refused.get(key);
      if (!refused || isNewerVersion(version, refused)) this.refused.set(key, version);
    }
  }
}

describe('the apply path (ConfigState behind ConfigGate), model-based', () => {
  it('holds exactly what the reference model holds, step by step, whatever the delivery order', () => {
    fc.assert(
      fc.property(scenarioArbitrary, ({ changeSets, deliveries }) => {
        const state = new ConfigState();
        const gate = new ConfigGate(state, refusesNegatives);
        const model = new ReferenceModel();
        for (const delivery of deliveries) {
          deliver(gate, changeSets, delivery);
          model.deliver(changeSets, delivery);
          const expectedValues = Object.fromEntries(
            [...model.held]
              .filter(([, { value }]) => value !== undefined)
              .map(([key, { value }]) => [key, value]),
          );
          expect(state.getAll()).toEqual(expectedValues);
          expect(state.toSnapshot().versions).toEqual(
            Object.fromEntries([...model.held].map(([key, { version }]) => [key, version])),
          );
          expect(gate.heldBack).toEqual([...model.refused.keys()].sort());
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('with a validate across keys: never holds a refused config, never moves a key back, invents nothing', () => {
    // The sum of all values stays under 12: whether a change set is acceptable depends on the others.
    const sumUnder12: Validate = (config: FrozenConfig) =>
      Object.values(config).reduce<number>((sum, value) => sum + (value as number), 0) < 12;
    fc.assert(
      fc.property(scenarioArbitrary, ({ changeSets, deliveries }) => {
        const state = new ConfigState();
        const gate = new ConfigGate(state, sumUnder12);
        let versions: Record<string, Version> = {};
        for (const delivery of deliveries) {
          deliver(gate, changeSets, delivery);
          const now = state.toSnapshot();
          if (gate.validated) expect(sumUnder12(state.getAll())).not.toBe(false);
          for (const [key, version] of Object.entries(now.versions)) {
            const before = versions[key];
            if (before && (before.effectiveAt !== version.effectiveAt || before.seq !== version.seq)) {
              expect(isNewerVersion(version, before)).toBe(true);
            }
            // The value is the one the change set of that version gave the key.
            const source = changeSets.find((changeSet) => changeSet.version.seq === version.seq);
            expect(source?.changes.has(key)).toBe(true);
            expect(now.values[key]).toBe(source?.changes.get(key));
          }
          expect(Object.keys(versions).every((key) => key in now.versions)).toBe(true);
          versions = now.versions;
        }
        // Delivered in full at the end, every change set validate accepts with the others goes in.
        gate.mergeSnapshot(updatesFromSnapshot(snapshotAfter(changeSets, changeSets.length)));
        if (sumUnder12(snapshotAfter(changeSets, changeSets.length).values)) {
          expect(gate.heldBack).toEqual([]);
          expect(state.getAll()).toEqual(snapshotAfter(changeSets, changeSets.length).values);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
