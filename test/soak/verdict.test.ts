import { describe, expect, it } from 'vitest';
import type { AcknowledgedChange } from '../../soak/change-driver.js';
import { differingKeys, expectedConfig, outOfOrder } from '../../soak/verdict.js';

const change = (n: number, effectiveAt: number, seq: number, changes: AcknowledgedChange['changes']) => ({
  id: `soak-${n}`,
  n,
  effectiveAt,
  seq,
  changes,
});

// The soak's own arithmetic: what it calls lost and out of order must be right for its figures to mean anything.
describe('soak verdict', () => {
  const acknowledged = [
    change(1, 1_000, 5, [{ key: 'a', value: 1 }]),
    change(2, 900, 6, [{ key: 'a', value: 2 }]), // scheduled later, effective earlier: loses
    change(3, 1_000, 7, [
      { key: 'b', value: 3 },
      { key: 'c', deleted: true },
    ]),
    change(4, 1_000, 4, [{ key: 'c', value: 4 }]), // same time, smaller seq: the delete wins
  ];

  it('expects the greatest version per key, a winning delete as absent', () => {
    expect(expectedConfig(acknowledged)).toEqual({ a: 1, b: 3 });
  });

  it('counts keys missing, extra or different as differing', () => {
    expect(differingKeys({ a: 1, b: 3 }, { a: 1, b: 3 })).toEqual([]);
    expect(differingKeys({ a: 1, b: 3 }, { a: 2, c: 4 }).sort()).toEqual(['a', 'b', 'c']);
  });

  it('counts an older version applied after a newer one within one incarnation, by id or by reloaded value', () => {
    const applied = (incarnation: number, key: string, id: string | null, newValue: unknown) => ({
      incarnation,
      key,
      id,
      newValue,
      deleted: newValue === undefined,
    });
    expect(outOfOrder([applied(1, 'a', 'soak-2', 2), applied(1, 'a', 'soak-1', 1)], acknowledged)).toBe(0);
    expect(outOfOrder([applied(1, 'a', 'soak-1', 1), applied(1, 'a', 'soak-2', 2)], acknowledged)).toBe(1);
    expect(outOfOrder([applied(1, 'a', null, 1), applied(1, 'a', 'soak-2', 2)], acknowledged)).toBe(1);
    // A new incarnation starts over: it loads the snapshot afresh.
    expect(outOfOrder([applied(1, 'a', 'soak-1', 1), applied(2, 'a', 'soak-2', 2)], acknowledged)).toBe(0);
  });
});
