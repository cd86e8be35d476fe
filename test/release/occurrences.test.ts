import { describe, expect, it } from 'vitest';
import { assertCronSchedule, nextOccurrences } from '../../src/release/occurrences.js';

const iso = (times: number[]) => times.map((ms) => new Date(ms).toISOString());

describe('occurrences of a cron schedule', () => {
  it('fires at 22:00 Berlin time across the spring DST change (UTC offset +1 then +2)', () => {
    const schedule = assertCronSchedule('0 22 * * *', 'Europe/Berlin');
    const times = nextOccurrences(schedule, Date.parse('2026-03-27T12:00:00Z'), 4);
    expect(iso(times)).toEqual([
      '2026-03-27T21:00:00.000Z',
      '2026-03-28T21:00:00.000Z',
      '2026-03-29T20:00:00.000Z',
      '2026-03-30T20:00:00.000Z',
    ]);
  });

  it('fires a wall-clock time skipped by the spring change once, right after the gap', () => {
    const times = nextOccurrences(
      assertCronSchedule('30 2 * * *', 'Europe/Berlin'),
      Date.parse('2026-03-28T00:00:00Z'),
      3,
    );
    // 02:30 does not exist on 29 March in Berlin: 03:00 CEST (01:00Z) is the first instant after it.
    expect(iso(times)).toEqual([
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ]);
  });

  it('fires a wall-clock time repeated by the autumn change once, not twice', () => {
    const times = nextOccurrences(
      assertCronSchedule('30 2 * * *', 'Europe/Berlin'),
      Date.parse('2026-10-24T12:00:00Z'),
      2,
    );
    // 02:30 happens twice on 25 October (CEST then CET): the schedule fires at the first one only.
    expect(iso(times)).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('takes six fields with seconds first and returns times strictly after the given instant', () => {
    const schedule = assertCronSchedule('*/2 * * * * *');
    expect(nextOccurrences(schedule, 2_000, 3)).toEqual([4_000, 6_000, 8_000]);
    expect(schedule.timezone).toBe('UTC');
  });

  it.each([
    ['not a cron', 'UTC'],
    ['61 * * * *', 'UTC'],
    ['', 'UTC'],
    [42, 'UTC'],
    ['0 22 * * *', 'Mars/Olympus_Mons'],
    ['0 22 * * *', ''],
    ['0 0 30 2 *', 'UTC'],
  ])('refuses cron %j in zone %j with E_INVALID_ARGUMENT', (cron, timezone) => {
    expect(() => assertCronSchedule(cron, timezone)).toThrow(
      expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }) as Error,
    );
  });
});
