// Dead items can be inspected (with why), retried and purged; ack counts each lease once; batches over
// MAX_BATCH ids are split by the client.
import type { Redis } from 'ioredis';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDelayQueue, MAX_BATCH } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';

const services = useServices();
let redis: Redis;
let prefix: string;

beforeEach(() => {
  redis = connectRedis(services.redis.url);
  prefix = uniquePrefix('dead');
});

describe('dead items', () => {
  it('are listed with reason and attempts, retried into due, and purged', async () => {
    const queue = createDelayQueue({ redis, prefix, maxAttempts: 2 });
    await queue.schedule({ id: 'x', payload: 'px' });
    await queue.schedule({ id: 'y', payload: 'py' });
    for (let round = 0; round < 2; round++) await queue.requeue((await queue.claim({ max: 10 })).items);
    const dead = await queue.dead({ limit: 10 });
    expect(dead).toEqual([
      expect.objectContaining({ id: 'x', payload: 'px', attempts: 2, reason: 'gave up after 2 attempts' }),
      expect.objectContaining({ id: 'y', payload: 'py', attempts: 2, reason: 'gave up after 2 attempts' }),
    ]);
    expect(dead[0]!.diedAt).toBeGreaterThan(0);
    expect(await queue.dead({ limit: 1 })).toHaveLength(1);

    expect(await queue.retryDead(['x', 'unknown'])).toBe(1);
    expect(await queue.stats()).toMatchObject({ due: 1, dead: 1 });
    const retried = await queue.claim({ max: 10 });
    expect(retried.items).toEqual([expect.objectContaining({ id: 'x', payload: 'px', attempt: 1 })]);

    expect(await queue.purgeDead()).toBe(1);
    expect(await queue.dead()).toEqual([]);
    expect(await redis.hexists(`{${prefix}}:items`, 'y')).toBe(0);
    expect(await redis.hlen(`{${prefix}}:dead-reasons`)).toBe(0);
  });

  it('purges and retries more than one batch', async () => {
    const queue = createDelayQueue({ redis, prefix, maxAttempts: 1 });
    const total = MAX_BATCH + 5;
    for (let i = 0; i < total; i += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, total - i) }, (_, j) =>
          queue.schedule({ id: `i${i + j}`, payload: 'p' }),
        ),
      );
    }
    let claimed = 0;
    while (claimed < total) {
      const { items } = await queue.claim({ max: MAX_BATCH });
      claimed += items.length;
      await queue.requeue(items);
    }
    expect((await queue.stats()).dead).toBe(total);
    const ids = Array.from({ length: total }, (_, i) => `i${i}`);
    expect(await queue.retryDead(ids)).toBe(total);
    expect(await queue.stats()).toMatchObject({ due: total, dead: 0 });
    claimed = 0;
    while (claimed < total) {
      const { items } = await queue.claim({ max: MAX_BATCH });
      claimed += items.length;
      await queue.requeue(items);
    }
    expect(await queue.purgeDead()).toBe(total);
    expect(await queue.stats()).toMatchObject({ due: 0, dead: 0, processing: 0 });
  });
});

describe('lease batches', () => {
  it('ack([x, x]) counts 1', async () => {
    const queue = createDelayQueue({ redis, prefix });
    await queue.schedule({ payload: 'p' });
    const [item] = (await queue.claim()).items;
    expect(await queue.ack([item!, item!])).toBe(1);
  });

  it('extends, requeues, acks and reaps more than MAX_BATCH items, split by the client', async () => {
    const queue = createDelayQueue({ redis, prefix, leaseMs: 60_000 });
    const total = 2 * MAX_BATCH + 7;
    await redis.zadd(`{${prefix}}:due`, ...Array.from({ length: total }, (_, i) => [1, `i${i}`]).flat());
    await redis.hset(
      `{${prefix}}:items`,
      Object.fromEntries(Array.from({ length: total }, (_, i) => [`i${i}`, '1|p'])),
    );
    const claimed = [];
    while (claimed.length < total) claimed.push(...(await queue.claim({ max: MAX_BATCH })).items);
    expect(await queue.extend(claimed, 60_000)).toBe(total);
    expect(await queue.requeue(claimed)).toBe(total);
    const again = [];
    while (again.length < total) again.push(...(await queue.claim({ max: MAX_BATCH })).items);
    expect(await queue.ack([...again, ...again])).toBe(total);

    // reap: leases that ran out, more than one script call's worth.
    const short = createDelayQueue({ redis, prefix, leaseMs: 1 });
    await redis.zadd(`{${prefix}}:due`, ...Array.from({ length: total }, (_, i) => [1, `r${i}`]).flat());
    await redis.hset(
      `{${prefix}}:items`,
      Object.fromEntries(Array.from({ length: total }, (_, i) => [`r${i}`, '1|p'])),
    );
    let leased = 0;
    while (leased < total) leased += (await short.claim({ max: MAX_BATCH })).items.length;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await short.reap()).toBe(total);
    expect(await short.stats()).toMatchObject({ due: total, processing: 0 });
  });
});
