// Keys written by hotconf at 8a4b4a4 (layout 1, test/fixtures/layout-1) are upgraded in place, atomically,
// by the first call of this version: pending changes kept and still due at their times. A layout newer
// than this version knows is refused with E_LAYOUT, and nothing is written.
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDelayQueue, createScheduler, DelayQueue } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis } from '../helpers/redis.js';

type Dumped =
  | { type: 'string'; value: string }
  | { type: 'hash'; value: Record<string, string> }
  | {
      type: 'zset';
      value: [string, number][];
    };
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/layout-1/dump.json', import.meta.url), 'utf8'),
) as { madeAt: number; keys: Record<string, Dumped> };

const services = useServices({ private: true });
let redis: Redis;

/** The fixture restored into the (otherwise empty) redis-server. */
async function restoreFixture(): Promise<void> {
  await redis.flushall();
  for (const [key, dumped] of Object.entries(fixture.keys)) {
    if (dumped.type === 'string') await redis.set(key, dumped.value);
    else if (dumped.type === 'hash') await redis.hset(key, dumped.value);
    else await redis.zadd(key, ...dumped.value.flatMap(([member, score]) => [score, member]));
  }
}

async function dumpAll(): Promise<Record<string, string | null>> {
  const keys = (await redis.keys('*')).sort();
  const dumps = await Promise.all(keys.map((key) => redis.dumpBuffer(key)));
  return Object.fromEntries(keys.map((key, i) => [key, dumps[i]?.toString('hex') ?? null]));
}

beforeEach(async () => {
  redis = connectRedis(services.redis.url);
  await restoreFixture();
});

describe('layout 1 (hotconf 8a4b4a4) upgraded in place', () => {
  it("keeps the scheduler prefix's pending changes due at their times, its snapshot and its leases", async () => {
    const scheduler = createScheduler({ redis, topic: 'layout1', prefix: 'layout1' });
    const pending = await scheduler.pending();
    expect(pending.map((change) => [change.id, change.effectiveAt, change.seq])).toEqual([
      ['pending-soon', fixture.madeAt + 5 * 60_000 - 72, 6],
      ['pending-2100', Date.UTC(2100, 0, 1), 7],
    ]);
    expect(pending[1]!.changes).toEqual([
      { key: 'far', value: 'future' },
      { key: 'switch', deleted: true },
    ]);
    expect(await redis.hgetall('{layout1}:meta')).toEqual({
      layout: '2',
      appliedAt: String(
        Math.max(
          ...Object.values(fixture.keys['{layout1}:versions']!.value as object).map((v: string) =>
            Number(v.split(':')[0]),
          ),
        ),
      ),
    });
    // Live ids are retained from now on: a repeated id still changes nothing once it finished.
    expect((await redis.zrange('{layout1}:retained', 0, -1)).sort()).toEqual([
      'dead-1',
      'in-flight',
      'pending-2100',
      'pending-soon',
    ]);
    expect(await scheduler.dead()).toEqual([
      expect.objectContaining({ id: 'dead-1', reason: 'given up under layout 1 (reason not recorded)' }),
    ]);
    expect(await scheduler.current()).toEqual({
      revision: 3,
      values: { switch: 'on', limits: { max: [1, 2.5, 'x'] }, inflight: true, dying: 'x' },
    });

    // 'pending-soon' fell due while the fixture waited: the scheduler's claim applies it now. The
    // in-flight lease of layout 1 expired long ago: reaped into republish (it was in effect already).
    const claimer = new DelayQueue({ redis, prefix: 'layout1', claimScript: 'claimChanges' } as never);
    expect(await claimer.reap()).toBe(1);
    const claim = await claimer.claim({ max: 10 });
    expect(claim.items.map((item) => item.id)).toEqual(['pending-soon', 'in-flight']);
    expect((await scheduler.current()).values).toMatchObject({ switch: 'off' });
    expect(await claimer.ack(claim.items)).toBe(2);
    // Finished, and retained: scheduling it again returns the original.
    expect(await scheduler.schedule({ key: 'switch', value: 'on' }, { id: 'pending-soon' })).toEqual({
      id: 'pending-soon',
      seq: 6,
      effectiveAt: pending[0]!.effectiveAt,
    });
    expect((await scheduler.pending()).map((change) => change.id)).toEqual(['pending-2100']);
  });

  it("keeps the plain queue prefix's items: pending ones due at their times, the lease reapable", async () => {
    const queue = createDelayQueue({ redis, prefix: 'layout1-queue' });
    expect((await queue.peek()).map((item) => [item.id, item.payload])).toEqual([
      ['soon', 'p|with;separators'],
      ['far', 'later'],
    ]);
    expect(await queue.reap()).toBe(1); // 'leased' went back to due
    const claim = await queue.claim({ max: 10 });
    expect(claim.items.map((item) => item.id).sort()).toEqual(['leased', 'soon']);
    expect(await queue.stats()).toMatchObject({ scheduled: 1, processing: 2, dead: 0 });
  });

  it('upgrades once, atomically, whichever of several processes comes first', async () => {
    const clients = [0, 1, 2, 3].map(() => connectRedis(services.redis.url));
    await Promise.all(
      clients.map((client) => createScheduler({ redis: client, topic: 't', prefix: 'layout1' }).stats()),
    );
    expect(await redis.hget('{layout1}:meta', 'layout')).toBe('2');
    expect(await redis.zcard('{layout1}:retained')).toBe(4);
  });
});

describe('a newer layout than this version knows', () => {
  it('is refused with E_LAYOUT by the queue, the scheduler and snapshot readers, and nothing is written', async () => {
    await redis.hset('{layout1}:meta', 'layout', '99');
    await redis.hset('{layout1-queue}:meta', 'layout', '99');
    const before = await dumpAll();
    const scheduler = createScheduler({ redis, topic: 'layout1', prefix: 'layout1' });
    await expect(scheduler.schedule({ key: 'k', value: 1 }, { id: 'x' })).rejects.toMatchObject({
      code: 'E_LAYOUT',
      message: expect.stringContaining('layout 99'),
    });
    await expect(scheduler.pending()).rejects.toMatchObject({ code: 'E_LAYOUT' });
    await expect(scheduler.current()).rejects.toMatchObject({ code: 'E_LAYOUT' });
    const queue = createDelayQueue({ redis, prefix: 'layout1-queue' });
    await expect(queue.schedule({ payload: 'p' })).rejects.toMatchObject({ code: 'E_LAYOUT' });
    await expect(queue.claim({ max: 10 })).rejects.toMatchObject({ code: 'E_LAYOUT' });
    expect(await dumpAll()).toEqual(before);
  });
});
