import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDelayQueue } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';

const services = useServices();

afterEach(() => {
  vi.useRealTimers();
});

async function redisNowMs(url: string): Promise<number> {
  const [seconds, micros] = await connectRedis(url).time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

describe('time is the Redis server clock', () => {
  it('does not claim a future item early and reports its run time, with the client clock an hour ahead', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 3_600_000);
    const queue = createDelayQueue({
      redis: connectRedis(services.redis.url),
      prefix: uniquePrefix('clock'),
    });

    const before = await redisNowMs(services.redis.url);
    const scheduled = await queue.schedule({ payload: 'soon', delayMs: 400 });
    const clientNow = new Date(); // an hour ahead of the server: must not make the item due
    const atClientNow = await queue.schedule({ payload: 'client now', at: clientNow });

    expect(scheduled.runAt).toBeGreaterThanOrEqual(before + 400);
    expect(scheduled.runAt).toBeLessThan(before + 400 + 1_000);
    const claim = await queue.claim({ max: 10 });
    expect(claim.items).toEqual([]);
    expect(claim.nextRunAt).toBe(scheduled.runAt);
    expect(Math.abs(claim.now - (await redisNowMs(services.redis.url)))).toBeLessThan(1_000);
    expect(await queue.stats()).toMatchObject({ due: 0, scheduled: 2 });

    await expect
      .poll(async () => (await queue.claim({ max: 10 })).items.map((item) => item.payload), {
        timeout: 3_000,
      })
      .toEqual(['soon']);
    expect(atClientNow.runAt - scheduled.runAt).toBeGreaterThan(3_000_000);
  });

  it('treats an `at` in the past as now', async () => {
    const queue = createDelayQueue({ redis: connectRedis(services.redis.url), prefix: uniquePrefix('past') });
    const before = await redisNowMs(services.redis.url);
    const { runAt } = await queue.schedule({ payload: 'p', at: new Date('2001-01-01T00:00:00Z') });
    expect(runAt).toBeGreaterThanOrEqual(before);
    expect((await queue.claim()).items).toHaveLength(1);
  });
});
