import type { Redis } from 'ioredis';
import { expect } from 'vitest';
import {
  createScheduler,
  type LostEvent,
  type RequeuedEvent,
  type Scheduler,
  type SchedulerOptions,
} from 'hotconf';
import type { TestServices } from '../helpers/fixtures.js';
import { collectMessages, type CollectedMessages } from '../helpers/nsq.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';
import { startNsqdProxy, type NsqdProxy, type NsqdProxyOptions } from './nsqd-proxy.js';

export interface SlowPublishing {
  prefix: string;
  topic: string;
  redis: Redis;
  scheduler: Scheduler;
  /** Reads the topic from the real nsqd, behind the proxy. */
  consumer: CollectedMessages;
  proxy: NsqdProxy;
  /** The scheduled change sets, all claimed in one batch whose publish is now under way. */
  ids: string[];
  published: string[];
  requeued: RequeuedEvent[];
  lost: LostEvent[];
  close(): Promise<void>;
}

/**
 * A started scheduler behind an nsqd proxy that answers late or hangs on publishes, with `changes`
 * change sets claimed in one batch and their publish under way: time for a test to act in the middle of it.
 */
export async function publishingSlowly(
  services: TestServices,
  {
    changes,
    name,
    proxy: proxyOptions,
    options = {},
    redisErrorsExpected = false,
  }: {
    changes: number;
    name: string;
    /** How the nsqd in front of the scheduler misbehaves: replies late, or hangs on publishes. */
    proxy: NsqdProxyOptions;
    options?: Partial<SchedulerOptions>;
    redisErrorsExpected?: boolean;
  },
): Promise<SlowPublishing> {
  const prefix = uniquePrefix(name);
  const topic = `${prefix}.changes`;
  const proxy = await startNsqdProxy(services.nsqd.tcpAddress, proxyOptions);
  const consumer = await collectMessages(services.nsqd.tcpAddress, topic);
  const redis = connectRedis(services.redis.url, { errorsExpected: redisErrorsExpected });
  const scheduler = createScheduler({ redis, nsqd: proxy.address, topic, prefix, ...options });
  const run: SlowPublishing = {
    prefix,
    topic,
    redis,
    scheduler,
    consumer,
    proxy,
    ids: [],
    published: [],
    requeued: [],
    lost: [],
    async close() {
      await scheduler.stop();
      await consumer.close();
      await proxy.close();
    },
  };
  scheduler.on('published', (event) => run.published.push(event.id));
  scheduler.on('requeued', (event) => run.requeued.push(event));
  scheduler.on('lost', (event) => run.lost.push(event));
  for (let i = 0; i < changes; i++) run.ids.push((await scheduler.schedule({ key: `k${i}`, value: i })).id);
  await scheduler.start();
  await expect.poll(async () => (await scheduler.stats()).processing, { interval: 10 }).toBe(changes);
  return run;
}
