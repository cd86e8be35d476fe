import { describe, expect, it } from 'vitest';
import type { ConfigChange } from '../../src/config/changes.js';
import { diffRevisions, rollbackChanges, type AppliedEntry } from '../../src/release/revisions.js';

function applied(
  revision: number,
  changes: ConfigChange[],
  previous: ConfigChange[],
  id = `c${revision}`,
): AppliedEntry {
  return {
    cursor: `${revision}-0:0`,
    event: 'applied',
    at: revision,
    id,
    seq: revision,
    effectiveAt: revision,
    kind: 'change',
    revision,
    changes,
    previous,
  };
}

// rev 1: a=1 (new) · rev 2: a=2, b="x" (new) · rev 3: delete a · rev 4: a=3 (recreated), b="y"
// (written oldest first here; history() and the functions under test have them newest first)
const oldestFirst = [
  applied(1, [{ key: 'a', value: 1 }], [{ key: 'a', deleted: true }]),
  applied(
    2,
    [
      { key: 'a', value: 2 },
      { key: 'b', value: 'x' },
    ],
    [
      { key: 'a', value: 1 },
      { key: 'b', deleted: true },
    ],
  ),
  applied(3, [{ key: 'a', deleted: true }], [{ key: 'a', value: 2 }]),
  applied(
    4,
    [
      { key: 'a', value: 3 },
      { key: 'b', value: 'y' },
    ],
    [
      { key: 'a', deleted: true },
      { key: 'b', value: 'x' },
    ],
  ),
];
const history = [...oldestFirst].reverse();

describe('diff and rollback computed from applied history entries', () => {
  it('diffs two revisions key by key, in either direction', () => {
    expect(diffRevisions(history, 1, 3, 4)).toEqual([
      { key: 'a', from: { value: 1 }, to: { deleted: true } },
      { key: 'b', from: { deleted: true }, to: { value: 'x' } },
    ]);
    expect(diffRevisions(history, 3, 1, 4)).toEqual([
      { key: 'a', from: { deleted: true }, to: { value: 1 } },
      { key: 'b', from: { value: 'x' }, to: { deleted: true } },
    ]);
  });

  it('leaves out a key that ends where it started', () => {
    // a: 2 at rev 2, deleted at 3, 3 at 4 -> differs; between 0 and 0 nothing.
    expect(diffRevisions(history, 2, 2, 4)).toEqual([]);
    const roundTrip = [
      applied(2, [{ key: 'k', value: 'off' }], [{ key: 'k', value: 'on' }]),
      applied(1, [{ key: 'k', value: 'on' }], [{ key: 'k', value: 'off' }]),
    ];
    expect(diffRevisions(roundTrip, 0, 2, 2)).toEqual([]);
  });

  it('rolls back values, deletes and recreated keys to their state at a revision', () => {
    expect(rollbackChanges(history, 1, 4)).toEqual([
      { key: 'a', value: 1 },
      { key: 'b', deleted: true },
    ]);
    expect(rollbackChanges(history, 0, 4)).toEqual([
      { key: 'a', deleted: true },
      { key: 'b', deleted: true },
    ]);
    expect(rollbackChanges(history, 2, 4)).toEqual([
      { key: 'a', value: 2 },
      { key: 'b', value: 'x' },
    ]);
    expect(rollbackChanges(history, 4, 4)).toEqual([]);
  });

  it('takes the change sets of one revision (one claim) in the order they were applied', () => {
    // rev 5, one claim: c5a sets a=4 over a=3, then c5b sets a=5 and deletes b
    const oneClaim = [
      applied(
        5,
        [
          { key: 'a', value: 5 },
          { key: 'b', deleted: true },
        ],
        [
          { key: 'a', value: 4 },
          { key: 'b', value: 'y' },
        ],
        'c5b',
      ),
      applied(5, [{ key: 'a', value: 4 }], [{ key: 'a', value: 3 }], 'c5a'),
      ...history,
    ];
    expect(diffRevisions(oneClaim, 4, 5, 5)).toEqual([
      { key: 'a', from: { value: 3 }, to: { value: 5 } },
      { key: 'b', from: { value: 'y' }, to: { deleted: true } },
    ]);
    expect(rollbackChanges(oneClaim, 4, 5)).toEqual([
      { key: 'a', value: 3 },
      { key: 'b', value: 'y' },
    ]);
  });

  it('refuses a revision history no longer holds (E_REVISION_TRIMMED) and one not made yet', () => {
    const trimmed = history.slice(0, 2); // revisions 4 and 3 only
    expect(() => rollbackChanges(trimmed, 1, 4)).toThrow(
      expect.objectContaining({ code: 'E_REVISION_TRIMMED' }) as Error,
    );
    expect(rollbackChanges(trimmed, 2, 4)).toEqual([
      { key: 'a', value: 2 },
      { key: 'b', value: 'x' },
    ]);
    expect(() => diffRevisions(history, 1, 5, 4)).toThrow(
      expect.objectContaining({ code: 'E_UNKNOWN_REVISION' }) as Error,
    );
  });
});
