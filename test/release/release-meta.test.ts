import { describe, expect, it } from 'vitest';
import { decodeChangeSet, encodeChanges } from '../../src/config/change-set-codec.js';
import { decodeReleaseMeta, encodeReleaseMeta } from '../../src/release/release-meta.js';
import { parseHistoryEntry } from '../../src/release/history-entry.js';

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
  it('reads an applied entry: time from the stream id, changes and previous values decoded', () => {
    const entry = parseHistoryEntry('1764547200003-0', [
      'event',
      'applied',
      'id',
      'c1',
      'seq',
      '17',
      'effectiveAt',
      '1764547200000',
      'kind',
      'change',
      'actor',
      'ana',
      'reason',
      '',
      'revision',
      '5',
      'changes',
      '2;4;mode7;"night"4;goned;',
      'previous',
      '2;4;mode5;"day"4;gone1;1',
    ]);
    expect(entry).toEqual({
      cursor: '1764547200003-0',
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
        { key: 'gone', value: 1 },
      ],
    });
  });
});
