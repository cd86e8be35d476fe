import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createScheduler, type PublishedEvent } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';
import { expectErrors } from './expect-errors.js';
import { startNsqdProxy } from './nsqd-proxy.js';
import { publishingSlowly } from './slow-publishing.js';
import { testScheduler } from '../helpers/test-scheduler.js';

const services = useServices({ nsqd: true, private: true });

afterEach(async () => {
  // Each test leaves Redis paused or killed: give the next one a running server.
  services.redis.pause(false);
  await services.redis.kill();
  await services.redis.start();
});

const STOP_TIMEOUT_MS = 1_500;

/** Runs a scheduler until its loop has made at least one claim, then takes Redis away with `fault`. */
async function runningScheduler(redis: string | Redis, fault: () => Promise<void> | void) {
  const prefix = uniquePrefix('stop-bounded');
  const scheduler = createScheduler({
    redis,
    nsqd: services.nsqd.tcpAddress,
    topic: `${prefix}.changes`,
    prefix,
    stopTimeoutMs: STOP_TIMEOUT_MS,
    reapIntervalMs: 100, // the loop goes to Redis every 100 ms, so it is waiting on it when stop() comes
  });
  const errors: Error[] = [];
  scheduler.on('error', (error) => errors.push(error));
  const published: PublishedEvent[] = [];
  scheduler.on('published', (event) => published.push(event));
  await scheduler.schedule({ key: 'before', value: 1 });
  await scheduler.start();
  await expect.poll(() => published.length, { timeout: 10_000, interval: 20 }).toBe(1);
  await fault();
  await sleep(300); // the loop is now blocked on a Redis call that gets no answer
  return { scheduler, errors };
}

async function timeStop(stop: () => Promise<void>): Promise<number> {
  const startedAt = Date.now();
  await stop();
  return Date.now() - startedAt;
}

describe('stop() settles within stopTimeoutMs when Redis is unreachable', () => {
  it('a hung Redis (SIGSTOP), scheduler on a URL', async () => {
    const { scheduler } = await runningScheduler(services.redis.url, () => services.redis.pause(true));
    const took = await timeStop(() => scheduler.stop());
    expect(took).toBeGreaterThanOrEqual(STOP_TIMEOUT_MS - 50);
    expect(took).toBeLessThan(STOP_TIMEOUT_MS + 1_000);
  });

  it('a refusing Redis (SIGKILL), scheduler on a URL', async () => {
    const { scheduler } = await runningScheduler(services.redis.url, () => services.redis.kill());
    const took = await timeStop(() => scheduler.stop());
    expect(took).toBeLessThan(STOP_TIMEOUT_MS + 1_000);
  });

  it('a refusing Redis (SIGKILL), app client with maxRetriesPerRequest: null (waits for ever by itself)', async () => {
    const app = new Redis(services.redis.url, { maxRetriesPerRequest: null });
    app.on('error', () => {});
    try {
      const { scheduler } = await runningScheduler(app, () => services.redis.kill());
      const took = await timeStop(() => scheduler.stop());
      expect(took).toBeGreaterThanOrEqual(STOP_TIMEOUT_MS - 50);
      expect(took).toBeLessThan(STOP_TIMEOUT_MS + 1_000);
      expect(app.status).not.toBe('end'); // the app's client is the app's to close
    } finally {
      app.disconnect();
    }
  });

  it('a hung Redis (SIGSTOP), app client with maxRetriesPerRequest: null', async () => {
    const app = new Redis(services.redis.url, { maxRetriesPerRequest: null });
    app.on('error', () => {});
    try {
      const { scheduler } = await runningScheduler(app, () => services.redis.pause(true));
      const took = await timeStop(() => scheduler.stop());
      expect(took).toBeGreaterThanOrEqual(STOP_TIMEOUT_MS - 50);
      expect(took).toBeLessThan(STOP_TIMEOUT_MS + 1_000);
    } finally {
      app.disconnect();
    }
  });
});

describe('stop() while a publish is in flight', () => {
  it('acks and reports published a batch nsqd acknowledged after stop() began, and requeues nothing', async () => {
    // nsqd's replies (IDENTIFY, then the MPUB's OK) reach the scheduler 700 ms late.
    const run = await publishingSlowly(services, {
      changes: 5,
      name: 'stop-acked',
      proxy: { replyDelayMs: 700 },
      redisErrorsExpected: true, // later tests kill Redis under its connection
    });
    expect(run.consumer.messages).toHaveLength(0); // the publish has not been acknowledged yet

    await run.scheduler.stop();
    expect(run.requeued).toEqual([]);
    expect(run.published.sort()).toEqual([...run.ids].sort());
    const stats = await createScheduler({ redis: run.redis, topic: run.topic, prefix: run.prefix }).stats();
    expect(stats).toMatchObject({ due: 0, processing: 0, scheduled: 0 });
    await run.consumer.waitForCount(5, 5_000);
    await sleep(500); // a quiet period: no second copy follows
    expect(run.consumer.messages).toHaveLength(5);
    await run.close();
  });
});

describe('stop() called twice', () => {
  it('resolves the second call only when the first is done, not at once', async () => {
    const prefix = uniquePrefix('stop-twice');
    const hungNsqd = await startNsqdProxy(services.nsqd.tcpAddress, { hangOnPublish: true });
    const redis = connectRedis(services.redis.url, { errorsExpected: true }); // later tests kill Redis under it;
    const scheduler = testScheduler(services, prefix, {
      redis,
      nsqd: hungNsqd.address,
      publishTimeoutMs: 1_000,
    });
    const errors = expectErrors(scheduler, 'E_PUBLISH_FAILED');
    for (let i = 0; i < 3; i++) await scheduler.schedule({ key: `k${i}`, value: i });
    await scheduler.start();
    await expect.poll(async () => (await scheduler.stats()).processing, { interval: 10 }).toBe(3);
    const first = scheduler.stop();
    await scheduler.stop(); // e.g. SIGINT then SIGTERM: the second must not report a stop still under way
    const admin = testScheduler(services, prefix, { redis });
    expect(await admin.stats()).toMatchObject({ processing: 0, awaitingPublish: 3 });
    await first;
    expect(errors.unexpected()).toEqual([]);
    await hungNsqd.close();
  });
});
