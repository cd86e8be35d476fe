import { describe, expect, it } from 'vitest';
import { decodeChangeSet, encodeChanges } from '../../src/config/change-set-codec.js';
import { decodeReleaseMeta, encodeReleaseMeta } from '../../src/release/release-meta.js';
import { parseHistoryEntries } from '../../src/release/history-entry.js';

describe('release facts appended to a stored change set', () => {
  const changes = [
    { key: 'mode', valueJson: '"night;~R"' },
    { key: 'gone', valueJson: null },
  ];

  it('round-trips every field, unicode included, and leaves the change set readable', () => {
    const meta = {
      kind: 'revert' as const,
      actor: 'ana@höst',
      reason: 'rollout; step ~R 2',
      historyLimit: 10_000,
      untilAt: 1_764_547_200_000,
      baseRevision: 0,
      revertOf: 'change-1',
      revertVersion: '1764547200000:17',
    };
    const payload = `17;${encodeChanges(changes)}${encodeReleaseMeta(meta)}`;
    expect(decodeReleaseMeta(payload)).toEqual(meta);
    expect(decodeChangeSet(payload)).toEqual({ seq: 17, changes });
  });

  it('finds no trailer in a payload without one, whatever its last value', () => {
    for (const valueJson of ['"~R"', '1', 'null', '{"a":"~R"}', null]) {
      expect(decodeReleaseMeta(`1;${encodeChanges([{ key: 'k~R', valueJson }])}`)).toBeUndefined();
    }
  });
});

describe('history stream entries', () => {
  const field = (text = '') => `${Buffer.byteLength(text)};${text}`;
  const meta = encodeReleaseMeta({ kind: 'change', actor: 'ana', historyLimit: 10 });

  it('reads each record of an entry: its time from the entry, the rest from the stored change set', () => {
    const applied = `1764547200000|17;${encodeChanges([
      { key: 'mode', valueJson: '"night"' },
      { key: 'gone', valueJson: null },
      { key: 'kept', valueJson: '2' },
    ])}${meta}`;
    const skipped = `1764547200001|18;${encodeChanges([{ key: 'kept', valueJson: '3' }])}`;
    const batch = [
      // applied: two of its three changes took effect (changes given), each with its previous value
      ...['applied', 'c1', applied, '5', 'superseded', '1;4;keptd;', '2;4;mode7;"night"4;goned;'],
      ...['"day"', ''],
      ...['skipped', 'c2', skipped, '', 'superseded', '1;4;keptd;', ''],
    ]
      .map((text) => field(text))
      .join('');
    const entries = parseHistoryEntries('12-0', ['records', '2', 'at', '1764547200003', 'batch', batch]);
    expect(entries).toEqual([
      {
        cursor: '12-0:0',
        event: 'applied',
        at: 1764547200003,
        id: 'c1',
        seq: 17,
        effectiveAt: 1764547200000,
        kind: 'change',
        actor: 'ana',
        revision: 5,
        changes: [
          { key: 'mode', value: 'night' },
          { key: 'gone', deleted: true },
        ],
        previous: [
          { key: 'mode', value: 'day' },
          { key: 'gone', deleted: true },
        ],
        why: 'superseded',
        keys: ['kept'],
      },
      {
        cursor: '12-0:1',
        event: 'skipped',
        at: 1764547200003,
        id: 'c2',
        seq: 18,
        effectiveAt: 1764547200001,
        kind: 'change',
        changes: [{ key: 'kept', value: 3 }],
        why: 'superseded',
        keys: ['kept'],
      },
    ]);
  });
});
