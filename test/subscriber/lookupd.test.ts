import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfigSubscriber, createScheduler } from 'hotconf';
import {
  startNsqd,
  startNsqlookupd,
  startRedisServer,
  type Nsqd,
  type Nsqlookupd,
  type RedisServer,
} from '../../local-services/services.js';
import { createTopic } from '../helpers/nsq.js';
import { uniquePrefix } from '../helpers/redis.js';

let redis: RedisServer;
let lookupd: Nsqlookupd;
let nsqd: Nsqd;

beforeAll(async () => {
  [redis, lookupd] = await Promise.all([startRedisServer(), startNsqlookupd()]);
  nsqd = await startNsqd({ private: true, args: [`--lookupd-tcp-address=${lookupd.tcpAddress}`] });
});
afterAll(async () => {
  await Promise.all([nsqd?.dispose(), lookupd?.dispose(), redis?.dispose()]);
});

describe('a subscriber given nsqlookupd', () => {
  it('finds the nsqd that holds the topic and applies its changes', async () => {
    const prefix = uniquePrefix('lookupd');
    const topic = `${prefix}.changes`;
    await createTopic(nsqd.httpAddress, topic);
    const scheduler = createScheduler({ redis: redis.url, nsqd: nsqd.tcpAddress, topic, prefix });
    const subscriber = createConfigSubscriber({
      redis: redis.url,
      lookupd: `http://${lookupd.httpAddress}`,
      topic,
      prefix,
      service: 'svc',
      nsqReconnectMs: 1_000,
    });
    try {
      await scheduler.start();
      await subscriber.ready();
      // nsqd registers the topic with nsqlookupd asynchronously; the subscriber polls until it is listed.
      await expect
        .poll(
          async () => {
            await scheduler.schedule({ key: 'probe', value: Date.now() });
            return subscriber.stats.applied;
          },
          { timeout: 10_000, interval: 500 },
        )
        .toBeGreaterThan(0);
      await scheduler.schedule({ key: 'switch', value: 'on' });
      await expect.poll(() => subscriber.get('switch'), { timeout: 5_000 }).toBe('on');
    } finally {
      await Promise.all([subscriber.close(), scheduler.stop()]);
    }
  }, 20_000);
});
