import { describe, expect, it } from 'vitest';
import { createDelayQueue, type ClaimedItem } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';

const services = useServices();

describe('claim on a real redis-server', () => {
  it('gives each of 20,000 due items to exactly one of 8 concurrent claimers', async () => {
    const prefix = uniquePrefix('claimers');
    const loader = createDelayQueue({ redis: connectRedis(services.redis.url), prefix });
    const total = 20_000;
    for (let start = 0; start < total; start += 1000) {
      await Promise.all(
        Array.from({ length: 1000 }, (_, i) => loader.schedule({ id: `item-${start + i}`, payload: 'x' })),
      );
    }

    const claimers = Array.from({ length: 8 }, () =>
      createDelayQueue({ redis: connectRedis(services.redis.url), prefix }),
    );
    const claimedIds = await Promise.all(
      claimers.map(async (queue) => {
        const ids: string[] = [];
        for (;;) {
          const { items } = await queue.claim({ max: 37 });
          if (items.length === 0) return ids;
          ids.push(...items.map((item) => item.id));
        }
      }),
    );

    const all = claimedIds.flat();
    expect(all).toHaveLength(total);
    expect(new Set(all).size).toBe(total);
    expect(claimedIds.filter((ids) => ids.length > 0).length).toBeGreaterThan(1);
    expect(await loader.stats()).toMatchObject({ due: 0, processing: total });
  });

  it('reaps an expired lease, fences the old token and moves the item to dead after maxAttempts', async () => {
    const queue = createDelayQueue({
      redis: connectRedis(services.redis.url),
      prefix: uniquePrefix('reap'),
      leaseMs: 50,
      maxAttempts: 2,
    });
    await queue.schedule({ id: 'job', payload: 'p' });
    const [first] = (await queue.claim()).items as [ClaimedItem];
    await waitForLeaseExpiry();
    expect(await queue.reap()).toBe(1);

    const [second] = (await queue.claim()).items as [ClaimedItem];
    expect(second).toMatchObject({ id: 'job', attempt: 2 });
    expect(second.token).not.toBe(first.token);
    expect(await queue.ack(first)).toBe(0);
    expect(await queue.extend(first)).toBe(0);
    expect(await queue.requeue(first)).toBe(0);
    expect(await queue.stats()).toMatchObject({ processing: 1, dead: 0 });

    await waitForLeaseExpiry();
    expect(await queue.reap()).toBe(1);
    expect(await queue.stats()).toMatchObject({ due: 0, processing: 0, dead: 1 });
    expect((await queue.claim()).items).toEqual([]);
  });

  it('extends a live lease so reap leaves it alone', async () => {
    const queue = createDelayQueue({
      redis: connectRedis(services.redis.url),
      prefix: uniquePrefix('extend'),
      leaseMs: 80,
    });
    await queue.schedule({ payload: 'p' });
    const { items } = await queue.claim();
    expect(await queue.extend(items, 10_000)).toBe(1);
    await waitForLeaseExpiry(120);
    expect(await queue.reap()).toBe(0);
    expect(await queue.ack(items)).toBe(1);
  });

  it('wakes subscribers of the wake channel only when an item becomes the earliest', async () => {
    const prefix = uniquePrefix('wake');
    const queue = createDelayQueue({ redis: connectRedis(services.redis.url), prefix });
    const listener = connectRedis(services.redis.url);
    const wakes: string[] = [];
    listener.on('message', (_channel: string, message: string) => wakes.push(message));
    await listener.subscribe(`{${prefix}}:wake`);

    const late = await queue.schedule({ payload: 'late', delayMs: 60_000 });
    await queue.schedule({ payload: 'later still', delayMs: 120_000 });
    const early = await queue.schedule({ payload: 'early', delayMs: 1_000 });
    await expect.poll(() => wakes.length).toBe(2);
    expect(wakes.map(Number)).toEqual([late.runAt, early.runAt]);
  });
});

function waitForLeaseExpiry(ms = 80): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
