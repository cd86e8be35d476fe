import { describe, expect, it } from 'vitest';
import { collectMessages } from '../helpers/nsq.js';
import { useServices } from '../helpers/fixtures.js';
import { schedulerThroughOutage } from '../helpers/test-scheduler.js';
import { uniquePrefix } from '../helpers/redis.js';

const services = useServices({ nsqd: true, private: true });

describe('the scheduler through a Redis restart', () => {
  it('reports E_REDIS while Redis is down, and after the restart reloads its scripts and publishes again', async () => {
    const prefix = uniquePrefix('redis-restart');
    const topic = `${prefix}.changes`;
    const consumer = await collectMessages(services.nsqd.tcpAddress, topic);
    const { scheduler, redis } = schedulerThroughOutage(services, prefix);
    const errors: { code?: string }[] = [];
    scheduler.on('error', (error) => errors.push(error as { code?: string }));
    const published: string[] = [];
    scheduler.on('published', (event) => published.push(event.id));
    await scheduler.start();
    const before = await scheduler.schedule({ key: 'k', value: 1 });
    await expect.poll(() => published, { timeout: 10_000, interval: 20 }).toEqual([before.id]);

    await services.redis.kill(); // the restarted server has an empty script cache (and no data: no persistence)
    // The admin methods and the loop both say E_REDIS, not an ioredis error.
    await expect(scheduler.schedule({ key: 'k', value: 2 })).rejects.toMatchObject({ code: 'E_REDIS' });
    await expect.poll(() => errors.length, { timeout: 30_000, interval: 20 }).toBeGreaterThan(0);
    expect(errors.every((error) => error.code === 'E_REDIS')).toBe(true);

    await services.redis.start();
    const after = await scheduler.schedule({ key: 'k', value: 3 });
    await expect.poll(() => published, { timeout: 20_000, interval: 20 }).toEqual([before.id, after.id]);
    await consumer.waitForCount(2, 5_000);
    expect((await scheduler.current()).values).toEqual({ k: 3 });
    await consumer.close();
    await scheduler.stop();
    redis.disconnect();
  }, 60_000);
});
