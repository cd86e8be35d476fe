import { describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/config/envelope.js';
import { ConfigState, updatesFromEnvelope, updatesFromSnapshot } from '../../src/subscriber/config-state.js';

function envelope(seq: number, effectiveAt: number, changes: Envelope['changes']): Envelope {
  return { v: 1, id: `id-${seq}`, seq, effectiveAt, publishedAt: effectiveAt, changes };
}

/** Applies an envelope the way the subscriber does; returns the keys whose value changed. */
function apply(state: ConfigState, message: Envelope): string[] {
  return state.commit(state.newer(updatesFromEnvelope(message))).map((change) => change.key);
}

describe('ConfigState', () => {
  it('ends with the greatest version per key, whatever the arrival order', () => {
    const messages = [
      envelope(1, 100, [{ key: 'a', value: 1 }]),
      envelope(2, 100, [{ key: 'a', value: 2 }]),
      envelope(3, 90, [{ key: 'a', value: 3 }]),
      envelope(4, 200, [{ key: 'a', deleted: true }]),
      envelope(5, 150, [{ key: 'b', value: { nested: [1] } }]),
    ];
    const orders = [
      messages,
      [...messages].reverse(),
      [messages[3]!, messages[0]!, messages[4]!, messages[2]!, messages[1]!],
    ];
    for (const order of orders) {
      const state = new ConfigState();
      for (const message of order) apply(state, message);
      expect(state.getAll()).toEqual({ b: { nested: [1] } });
    }
  });

  it('reports only keys whose value changed, and freezes what it hands out', () => {
    const state = new ConfigState();
    expect(
      apply(
        state,
        envelope(1, 1, [
          { key: 'a', value: { x: 1 } },
          { key: 'b', value: 1 },
        ]),
      ),
    ).toEqual(['a', 'b']);
    const first = state.getAll();
    expect(
      apply(
        state,
        envelope(2, 2, [
          { key: 'a', value: { x: 1 } },
          { key: 'b', value: 2 },
        ]),
      ),
    ).toEqual(['b']);
    expect(first).toEqual({ a: { x: 1 }, b: 1 });
    expect(Object.isFrozen(state.getAll())).toBe(true);
    expect(Object.isFrozen(state.getAll().a)).toBe(true);
  });

  it('previews without changing anything', () => {
    const state = new ConfigState();
    apply(state, envelope(1, 1, [{ key: 'a', value: 1 }]));
    const updates = state.newer(
      updatesFromEnvelope(
        envelope(2, 2, [
          { key: 'a', deleted: true },
          { key: 'b', value: 2 },
        ]),
      ),
    );
    expect(state.preview(updates)).toEqual({ b: 2 });
    expect(state.getAll()).toEqual({ a: 1 });
  });

  it('merges a snapshot by version, tombstones included', () => {
    const state = new ConfigState();
    apply(state, envelope(9, 500, [{ key: 'newer-here', value: 'mine' }]));
    const snapshot = {
      revision: 3,
      values: { 'newer-here': 'theirs', plain: true },
      versions: {
        'newer-here': { effectiveAt: 400, seq: 1 },
        plain: { effectiveAt: 400, seq: 2 },
        gone: { effectiveAt: 400, seq: 3 },
      },
    };
    state.commit(state.newer(updatesFromSnapshot(snapshot)));
    expect(state.getAll()).toEqual({ 'newer-here': 'mine', plain: true });
    // The tombstone keeps an older set of 'gone' out.
    expect(apply(state, envelope(2, 300, [{ key: 'gone', value: 'back' }]))).toEqual([]);
  });

  it('keeps a key named __proto__ as an ordinary key', () => {
    const state = new ConfigState();
    apply(state, envelope(1, 1, [{ key: '__proto__', value: { polluted: true } }]));
    expect(Object.keys(state.getAll())).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
