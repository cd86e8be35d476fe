import { describe, expect, it } from 'vitest';
import { envelopeJson, parseEnvelope } from '../../src/config/envelope.js';

const valid = {
  v: 1,
  id: 'change-1',
  seq: 17,
  effectiveAt: 1_764_547_200_000,
  publishedAt: 1_764_547_200_003,
  changes: [
    { key: 'switch', value: 'on' },
    { key: 'old', deleted: true },
  ],
};

describe('parseEnvelope', () => {
  it('reads back what the scheduler writes', () => {
    const body = envelopeJson({
      id: 'change-1',
      seq: 17,
      effectiveAt: valid.effectiveAt,
      publishedAt: valid.publishedAt,
      changes: [
        { key: 'switch', valueJson: '"on"' },
        { key: 'old', valueJson: null },
      ],
    });
    expect(parseEnvelope(body)).toEqual(valid);
  });

  it.each([
    ['bad JSON', '{"v":1,'],
    ['not an object', '[1]'],
    ['an unknown version', JSON.stringify({ ...valid, v: 2 })],
    ['no id', JSON.stringify({ ...valid, id: '' })],
    ['a fractional seq', JSON.stringify({ ...valid, seq: 1.5 })],
    ['a negative effectiveAt', JSON.stringify({ ...valid, effectiveAt: -1 })],
    ['a string publishedAt', JSON.stringify({ ...valid, publishedAt: '1' })],
    ['no changes', JSON.stringify({ ...valid, changes: [] })],
    ['a change without key', JSON.stringify({ ...valid, changes: [{ value: 1 }] })],
    ['a change with neither value nor deleted', JSON.stringify({ ...valid, changes: [{ key: 'k' }] })],
    ['a change with both', JSON.stringify({ ...valid, changes: [{ key: 'k', value: 1, deleted: true }] })],
    [
      'a key twice',
      JSON.stringify({
        ...valid,
        changes: [
          { key: 'k', value: 1 },
          { key: 'k', value: 2 },
        ],
      }),
    ],
  ])('refuses %s with E_MALFORMED_MESSAGE', (_case, body) => {
    expect(() => parseEnvelope(body)).toThrow(expect.objectContaining({ code: 'E_MALFORMED_MESSAGE' }));
  });
});
