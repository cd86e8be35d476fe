import { describe, expect, it } from 'vitest';
import type { ConfigSnapshot } from '../../src/config/snapshot.js';
import { ConfigGate } from '../../src/subscriber/config-gate.js';
import { ConfigState, updatesFromEnvelope, updatesFromSnapshot } from '../../src/subscriber/config-state.js';

type Change = { key: string; value: unknown } | { key: string; deleted: true };

function changeSet(seq: number, changes: Change[]): ReturnType<typeof updatesFromEnvelope> {
  return updatesFromEnvelope({ v: 1, id: `id-${seq}`, seq, effectiveAt: 1_000, publishedAt: 1_000, changes });
}

/** A snapshot whose keys each come from the change set of the given seq. */
function snapshot(
  entries: Record<string, { seq: number; value?: unknown }>,
): ReturnType<typeof updatesFromSnapshot> {
  const values: ConfigSnapshot['values'] = {};
  const versions: ConfigSnapshot['versions'] = {};
  for (const [key, { seq, value }] of Object.entries(entries)) {
    versions[key] = { effectiveAt: 1_000, seq };
    if (value !== undefined) values[key] = value;
  }
  return updatesFromSnapshot({ revision: 1, values, versions });
}

const minUnderMax = (config: Readonly<Record<string, unknown>>): boolean =>
  ((config.min ?? 0) as number) <= ((config.max ?? 5) as number) && config.mode !== 'bad';

describe('ConfigGate', () => {
  it('merges a snapshot by change set, letting an earlier one in once a later one made it valid', () => {
    const state = new ConfigState();
    const gate = new ConfigGate(state, minUnderMax);
    const outcome = gate.mergeSnapshot(
      snapshot({ min: { seq: 1, value: 10 }, max: { seq: 2, value: 20 }, mode: { seq: 3, value: 'bad' } }),
    );
    expect(state.getAll()).toEqual({ min: 10, max: 20 });
    expect(gate.heldBack).toEqual(['mode']);
    expect(outcome).toMatchObject({ committed: true, refused: true });
    expect(outcome.refusals.map((refusal) => refusal.keys)).toEqual([['mode']]);
  });

  it('reports a refusal once, a newer one again, and releases the key on a newer accepted change', () => {
    const state = new ConfigState();
    const gate = new ConfigGate(state, minUnderMax);
    expect(gate.applyChangeSet(changeSet(1, [{ key: 'mode', value: 'ok' }])).committed).toBe(true);
    const bad = changeSet(2, [
      { key: 'mode', value: 'bad' },
      { key: 'other', value: 1 },
    ]);
    expect(gate.applyChangeSet(bad).refusals).toHaveLength(1);
    expect(gate.applyChangeSet(bad)).toMatchObject({ committed: false, refused: true, refusals: [] });
    expect(gate.mergeSnapshot(snapshot({ mode: { seq: 2, value: 'bad' } })).refusals).toEqual([]);
    expect(gate.heldBack).toEqual(['mode', 'other']);
    expect(gate.applyChangeSet(changeSet(3, [{ key: 'mode', value: 'bad' }])).refusals).toHaveLength(1);

    gate.applyChangeSet(changeSet(4, [{ key: 'mode', deleted: true }]));
    expect(gate.heldBack).toEqual(['other']);
    expect(state.getAll()).toEqual({});
  });

  it('reports each refused change set once, also an older one that arrives after a newer one', () => {
    const state = new ConfigState();
    const gate = new ConfigGate(state, minUnderMax);
    expect(gate.applyChangeSet(changeSet(3, [{ key: 'mode', value: 'bad' }])).refusals).toHaveLength(1);
    expect(gate.applyChangeSet(changeSet(2, [{ key: 'mode', value: 'bad' }])).refusals).toHaveLength(1);
    expect(gate.applyChangeSet(changeSet(2, [{ key: 'mode', value: 'bad' }])).refusals).toEqual([]);
    // Accepted between the two: the older refusal is over, the newer one still holds the key back.
    gate.applyChangeSet(changeSet(2.5, [{ key: 'mode', value: 'ok' }]));
    expect(gate.heldBack).toEqual(['mode']);
    expect(gate.applyChangeSet(changeSet(3, [{ key: 'mode', value: 'bad' }])).refusals).toEqual([]);
  });

  it('validates the empty config of a new deployment once, and says so once when it is refused', () => {
    const state = new ConfigState();
    const gate = new ConfigGate(state, (config) => typeof config.limit === 'number');
    expect(gate.validated).toBe(false);
    expect(gate.mergeSnapshot(snapshot({})).refusals).toEqual([
      { keys: [], reason: expect.objectContaining({ code: 'E_REJECTED' }) },
    ]);
    expect(gate.mergeSnapshot(snapshot({})).refusals).toEqual([]);
    expect(gate.validated).toBe(false);
    gate.mergeSnapshot(snapshot({ limit: { seq: 1, value: 3 } }));
    expect(gate.validated).toBe(true);
  });
});
