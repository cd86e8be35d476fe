import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createDelayQueue, createScheduler, type LostEvent } from 'hotconf';
import { collectMessages } from '../helpers/nsq.js';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';
import { startNsqdProxy } from './nsqd-proxy.js';

const services = useServices({ nsqd: true });

describe('a lease lost while its batch is being published', () => {
  it('is reported as lost, not published; the claim that took it over publishes and reports it', async () => {
    const prefix = uniquePrefix('lost');
    const topic = `${prefix}.changes`;
    // Each publish takes a second: time for the lease to be taken back under it.
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

    // As if the scheduler had stalled past its lease: the leases expire and are reaped back.
    const processingKey = `{${prefix}}:processing`;
    const leases = await redis.zrange(processingKey, 0, -1);
    expect(leases).toHaveLength(3);
    await redis.zadd(processingKey, ...leases.flatMap((lease) => [0, lease]));
    expect(await createDelayQueue({ redis, prefix }).reap()).toBe(3);

    await expect.poll(() => lost.length, { timeout: 10_000, interval: 20 }).toBe(1);
    expect(lost[0]!.ids.sort()).toEqual([...ids].sort());
    await expect.poll(() => published.length, { timeout: 10_000, interval: 20 }).toBe(3);
    await sleep(500); // nothing more is reported
    expect(published.sort()).toEqual([...ids].sort());
    expect(lost).toHaveLength(1);
    expect(await scheduler.stats()).toMatchObject({ due: 0, processing: 0 });
    await consumer.waitForCount(6, 5_000); // published twice: at-least-once, dropped by version downstream
    await scheduler.stop();
    await consumer.close();
    await proxy.close();
  });
});
