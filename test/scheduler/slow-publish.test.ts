import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createScheduler } from 'hotconf';
import { collectMessages } from '../helpers/nsq.js';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';
import { startNsqdProxy } from './nsqd-proxy.js';

const services = useServices({ nsqd: true });

describe('a publish slower than the lease', () => {
  it('keeps its lease extended, so a second scheduler on the prefix never takes the batch over', async () => {
    const prefix = uniquePrefix('slow-publish');
    const topic = `${prefix}.changes`;
    const leaseMs = 1_500; // extended every 500 ms: a second of slack for a loaded machine
    // Every reply from nsqd (IDENTIFY, then the MPUB's) arrives 2.5 s late: the publish lasts over three leases.
    const slow = await startNsqdProxy(services.nsqd.tcpAddress, { replyDelayMs: 2_500 });
    const consumer = await collectMessages(services.nsqd.tcpAddress, topic);
    const redis = connectRedis(services.redis.url);
    const options = { redis, topic, prefix, leaseMs, publishTimeoutMs: 10_000, connectTimeoutMs: 10_000 };
    const holder = createScheduler({ ...options, nsqd: slow.address });
    const rival = createScheduler({
      ...options,
      redis: connectRedis(services.redis.url),
      nsqd: services.nsqd.tcpAddress,
      reapIntervalMs: 50,
    });
    const publishedBy = { holder: [] as string[], rival: [] as string[] };
    holder.on('published', (event) => publishedBy.holder.push(event.id));
    rival.on('published', (event) => publishedBy.rival.push(event.id));
    const lost: string[][] = [];
    holder.on('lost', (event) => lost.push(event.ids));

    const { id } = await holder.schedule({ key: 'k', value: 1 });
    await holder.start();
    await expect.poll(async () => (await holder.stats()).processing, { interval: 10 }).toBe(1);
    await rival.start(); // reaps every 50 ms: it would take the batch over within 50 ms of a lapse
    const processingKey = `{${prefix}}:processing`;
    const deadlines: number[] = [];
    while (publishedBy.holder.length === 0) {
      const [, deadline] = await redis.zrange(processingKey, 0, 0, 'WITHSCORES');
      if (deadline !== undefined) deadlines.push(Number(deadline));
      await sleep(50);
    }
    // The deadline moved forward while nsqd was slow, and the publish ran past the first lease.
    expect(Math.max(...deadlines) - Math.min(...deadlines)).toBeGreaterThanOrEqual(leaseMs);
    expect(publishedBy.holder).toEqual([id]);
    await sleep(500); // a quiet period
    expect(publishedBy.rival).toEqual([]);
    expect(lost).toEqual([]);
    expect(consumer.messages).toHaveLength(1);
    await Promise.all([holder.stop(), rival.stop()]);
    await consumer.close();
    await slow.close();
  }, 30_000);
});
