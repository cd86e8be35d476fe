import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDelayQueue, createScheduler, HotconfError, type Scheduler } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';

const services = useServices();
let redis: Redis;

beforeAll(() => {
  redis = connectRedis(services.redis.url);
});

function adminScheduler(prefix = uniquePrefix('admin'), maxMessageBytes?: number): Scheduler {
  return createScheduler({
    redis,
    topic: 'hotconf.test',
    prefix,
    ...(maxMessageBytes ? { maxMessageBytes } : {}),
  });
}

describe('scheduling without start()', () => {
  it('returns increasing seqs, lists pending changes earliest first, and cancels or reschedules them', async () => {
    const scheduler = adminScheduler();
    const late = await scheduler.schedule({ key: 'switch', value: 'on' }, { delayMs: 60_000 });
    const early = await scheduler.schedule(
      {
        changes: [
          { key: 'limits', value: { rps: 10, tags: [] } },
          { key: 'old', deleted: true },
        ],
      },
      { delayMs: 30_000, id: 'release-7' },
    );
    expect(early.seq).toBeGreaterThan(late.seq);
    expect(early.id).toBe('release-7');

    expect(await scheduler.pending()).toEqual([
      {
        ...early,
        changes: [
          { key: 'limits', value: { rps: 10, tags: [] } },
          { key: 'old', deleted: true },
        ],
      },
      { ...late, changes: [{ key: 'switch', value: 'on' }] },
    ]);

    const moved = await scheduler.reschedule(late.id, { delayMs: 10_000 });
    expect(moved).toMatchObject({ id: late.id, seq: late.seq });
    expect(moved.effectiveAt).toBeLessThan(late.effectiveAt);
    expect((await scheduler.pending()).map((change) => change.id)).toEqual([late.id, early.id]);

    expect(await scheduler.cancel(early.id)).toBe(true);
    expect(await scheduler.cancel(early.id)).toBe(false);
    expect(await scheduler.cancel('never-scheduled')).toBe(false);
    expect((await scheduler.pending()).map((change) => change.id)).toEqual([late.id]);
  });

  it('returns the first schedule unchanged when an id is scheduled again', async () => {
    const scheduler = adminScheduler();
    const first = await scheduler.schedule({ key: 'a', value: 1 }, { id: 'once', delayMs: 5_000 });
    const again = await scheduler.schedule({ key: 'a', value: 2 }, { id: 'once' });
    expect(again).toEqual(first);
    expect((await scheduler.pending())[0]?.changes).toEqual([{ key: 'a', value: 1 }]);
  });

  it('refuses to reschedule a change that is being published, and cancel says false', async () => {
    const prefix = uniquePrefix('claimed');
    const scheduler = adminScheduler(prefix);
    const { id } = await scheduler.schedule({ key: 'k', value: 'v' });
    // Another process's claim holds it now.
    await createDelayQueue({ redis, prefix }).claim();
    await expect(scheduler.reschedule(id, { delayMs: 1_000 })).rejects.toMatchObject({
      code: 'E_NOT_PENDING',
    });
    expect(await scheduler.cancel(id)).toBe(false);
  });
});

describe('bad input is refused before anything is written', () => {
  const cases: [string, string, (scheduler: Scheduler) => Promise<unknown>][] = [
    ['an empty key', 'E_INVALID_ARGUMENT', (s) => s.schedule({ key: '', value: 1 })],
    ['a key over 256 bytes', 'E_INVALID_ARGUMENT', (s) => s.schedule({ key: 'k'.repeat(257), value: 1 })],
    ['a missing value', 'E_INVALID_ARGUMENT', (s) => s.schedule({ key: 'k' } as never)],
    ['an undefined value', 'E_INVALID_ARGUMENT', (s) => s.schedule({ key: 'k', value: undefined })],
    ['a function value', 'E_INVALID_ARGUMENT', (s) => s.schedule({ key: 'k', value: () => 1 })],
    ['a BigInt value', 'E_INVALID_ARGUMENT', (s) => s.schedule({ key: 'k', value: 10n })],
    ['NaN', 'E_INVALID_ARGUMENT', (s) => s.schedule({ key: 'k', value: NaN })],
    ['an empty change set', 'E_INVALID_ARGUMENT', (s) => s.schedule({ changes: [] })],
    [
      'a key twice in one set',
      'E_INVALID_ARGUMENT',
      (s) =>
        s.schedule({
          changes: [
            { key: 'k', value: 1 },
            { key: 'k', deleted: true },
          ],
        }),
    ],
    [
      'an invalid date',
      'E_INVALID_ARGUMENT',
      (s) => s.schedule({ key: 'k', value: 1 }, { at: new Date('x') }),
    ],
    ['a negative delay', 'E_INVALID_ARGUMENT', (s) => s.schedule({ key: 'k', value: 1 }, { delayMs: -5 })],
    ['a bad id', 'E_INVALID_ARGUMENT', (s) => s.schedule({ key: 'k', value: 1 }, { id: 'no/slash' })],
    [
      'an oversize envelope',
      'E_PAYLOAD_TOO_LARGE',
      (s) => s.schedule({ key: 'k', value: 'x'.repeat(2_000) }),
    ],
    ['a reschedule of an unknown id', 'E_NOT_PENDING', (s) => s.reschedule('unknown', { delayMs: 1 })],
    ['a reschedule to an invalid date', 'E_INVALID_ARGUMENT', (s) => s.reschedule('unknown', { at: NaN })],
    ['a pending limit of 0', 'E_INVALID_ARGUMENT', (s) => s.pending({ limit: 0 })],
  ];

  it.each(cases)('refuses %s with %s', async (_what, code, call) => {
    const scheduler = adminScheduler(uniquePrefix('bad'), 1_024);
    const keysBefore = (await redis.keys('*')).sort();
    await expect(call(scheduler)).rejects.toSatisfy(
      (error: unknown) => error instanceof HotconfError && error.code === code,
    );
    expect((await redis.keys('*')).sort()).toEqual(keysBefore);
  });

  it('refuses bad options at creation', () => {
    const base = { redis, prefix: 'p', topic: 'ok' };
    expect(() => createScheduler({ ...base, topic: 'bad topic!' })).toThrow(HotconfError);
    expect(() => createScheduler({ ...base, topic: 'x'.repeat(65) })).toThrow(HotconfError);
    expect(() => createScheduler({ ...base, batchSize: 0 })).toThrow(HotconfError);
    expect(() => createScheduler({ ...base, batchSize: 5_000 })).toThrow(HotconfError);
    expect(() => createScheduler({ ...base, prefix: '{x}' })).toThrow(HotconfError);
  });

  it('needs nsqd to start, and refuses calls after stop()', async () => {
    const scheduler = adminScheduler();
    await expect(scheduler.start()).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    await scheduler.stop();
    await expect(scheduler.schedule({ key: 'k', value: 1 })).rejects.toMatchObject({ code: 'E_CLOSED' });
    expect(await redis.ping()).toBe('PONG');
  });
});
