import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createDelayQueue, createScheduler, type LostEvent, type Scheduler } from 'hotconf';
import { collectMessages, type CollectedMessages } from '../helpers/nsq.js';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';
import { startNsqdProxy, type NsqdProxy } from './nsqd-proxy.js';

const services = useServices({ nsqd: true });

interface SlowPublishing {
  redis: Redis;
  scheduler: Scheduler;
  consumer: CollectedMessages;
  proxy: NsqdProxy;
  ids: string[];
  published: string[];
  lost: LostEvent[];
  /** Expires and reaps the leases of `ids` (all when absent), as if the scheduler had stalled past them. */
  reap(ids?: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** A scheduler whose batch of three change sets is being published, each publish taking a second. */
async function publishingSlowly(): Promise<SlowPublishing> {
  const prefix = uniquePrefix('lost');
  const topic = `${prefix}.changes`;
  // Each publish takes a second: time for a lease to be taken back under it.
  const proxy = await startNsqdProxy(services.nsqd.tcpAddress, { replyDelayMs: 1_000 });
  const consumer = await collectMessages(services.nsqd.tcpAddress, topic);
  const redis = connectRedis(services.redis.url);
  const scheduler = createScheduler({ redis, nsqd: proxy.address, topic, prefix });
  const published: string[] = [];
  const lost: LostEvent[] = [];
  scheduler.on('published', (event) => published.push(event.id));
  scheduler.on('lost', (event) => lost.push(event));
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await scheduler.schedule({ key: `k${i}`, value: i })).id);
  await scheduler.start();
  await expect.poll(async () => (await scheduler.stats()).processing, { interval: 10 }).toBe(3);
  const processingKey = `{${prefix}}:processing`;
  return {
    redis,
    scheduler,
    consumer,
    proxy,
    ids,
    published,
    lost,
    async reap(reaped = ids) {
      const leases = (await redis.zrange(processingKey, 0, -1)).filter((lease) =>
        reaped.includes(lease.slice(lease.indexOf('|') + 1)),
      );
      expect(leases).toHaveLength(reaped.length);
      await redis.zadd(processingKey, ...leases.flatMap((lease) => [0, lease]));
      expect(await createDelayQueue({ redis, prefix }).reap()).toBe(reaped.length);
    },
    async close() {
      await scheduler.stop();
      await consumer.close();
      await proxy.close();
    },
  };
}

describe('a lease lost while its batch is being published', () => {
  it('is reported as lost, not published; the claim that took it over publishes and reports it', async () => {
    const run = await publishingSlowly();
    await run.reap();

    await expect.poll(() => run.lost.length, { timeout: 10_000, interval: 20 }).toBe(1);
    expect(run.lost[0]!.ids.sort()).toEqual([...run.ids].sort());
    await expect.poll(() => run.published.length, { timeout: 10_000, interval: 20 }).toBe(3);
    await sleep(500); // nothing more is reported
    expect(run.published.sort()).toEqual([...run.ids].sort());
    expect(run.lost).toHaveLength(1);
    expect(await run.scheduler.stats()).toMatchObject({ due: 0, processing: 0 });
    await run.consumer.waitForCount(6, 5_000); // published twice: at-least-once, dropped by version downstream
    await run.close();
  });

  it('names only the change sets whose lease was lost; the rest of the batch is reported published', async () => {
    const run = await publishingSlowly();
    const [taken, ...kept] = run.ids as [string, ...string[]];
    await run.reap([taken]);

    await expect.poll(() => run.lost.length, { timeout: 10_000, interval: 20 }).toBe(1);
    expect(run.lost[0]!.ids).toEqual([taken]);
    // The two still held are acked with the batch's publish; the taken one is published again by its new claim.
    await expect.poll(() => run.published.length, { timeout: 10_000, interval: 20 }).toBe(3);
    expect(run.published.slice(0, 2).sort()).toEqual([...kept].sort());
    expect(run.published[2]).toBe(taken);
    await sleep(500); // nothing more is reported
    expect(run.published).toHaveLength(3);
    expect(run.lost).toHaveLength(1);
    expect(await run.scheduler.stats()).toMatchObject({ due: 0, processing: 0, awaitingPublish: 0 });
    await run.consumer.waitForCount(4, 5_000); // the taken one twice, dropped by version downstream
    await run.close();
  });
});
