import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { useServices } from '../helpers/fixtures.js';
import { uniquePrefix } from '../helpers/redis.js';
import { expectErrors } from './expect-errors.js';
import { startNsqdProxy } from './nsqd-proxy.js';
import { testScheduler } from '../helpers/test-scheduler.js';

const services = useServices({ nsqd: true, private: true });

describe('lease extension while Redis is down', () => {
  it('keeps one extend waiting, not one more every leaseMs/3, on a client that queues commands for ever', async () => {
    const prefix = uniquePrefix('extend-pile');
    const slow = await startNsqdProxy(services.nsqd.tcpAddress, { replyDelayMs: 1_500 });
    const app = new Redis(services.redis.url, { maxRetriesPerRequest: null });
    app.on('error', () => {});
    const scheduler = testScheduler(services, prefix, {
      redis: app,
      nsqd: slow.address,
      leaseMs: 300, // an extend every 100 ms
      publishTimeoutMs: 10_000,
      stopTimeoutMs: 500,
    });
    const errors = expectErrors(scheduler, 'E_REDIS');
    await scheduler.schedule({ key: 'k', value: 1 });
    await scheduler.start();
    await expect.poll(async () => (await scheduler.stats()).processing, { interval: 10 }).toBe(1);
    await services.redis.kill();
    await sleep(2_000); // twenty extend intervals with Redis gone
    const { offlineQueue } = app as unknown as { offlineQueue: { length: number } };
    // At most: the loop's one command, one extend, and the ack of the publish that finished meanwhile.
    expect(offlineQueue.length).toBeLessThanOrEqual(3);
    expect(errors.unexpected()).toEqual([]);
    await scheduler.stop();
    app.disconnect();
    await slow.close();
    await services.redis.start();
  });
});
