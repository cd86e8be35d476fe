import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScheduler } from 'hotconf';
import { startNsqd, startRedisServer, type Nsqd, type RedisServer } from '../../local-services/services.js';
import { startGoConsumer } from '../../local-services/recipe-peer.js';
import { closeAllRedis, connectRedis, uniquePrefix } from '../helpers/redis.js';

let redis: RedisServer;
let nsqd: Nsqd;

beforeAll(async () => {
  // Every message nsqd acknowledged is on disk, so a SIGKILL of nsqd itself loses none of them.
  [redis, nsqd] = await Promise.all([
    startRedisServer({ private: true }),
    startNsqd({ private: true, args: ['--mem-queue-size=0', '--sync-every=1'] }),
  ]);
});

afterAll(async () => {
  await closeAllRedis();
  await Promise.all([redis?.dispose(), nsqd?.dispose()]);
});

describe('legacy publishing through an nsqd outage', () => {
  it('loses nothing: changes due while nsqd is SIGKILLed reach the Go consumer once it is back', async () => {
    const prefix = uniquePrefix('legacy-outage');
    const legacyTopic = `${prefix}.config_push`;
    const consumer = await startGoConsumer({
      nsqd: nsqd.tcpAddress,
      topic: legacyTopic,
      channel: 'channel1',
    });
    const scheduler = createScheduler({
      redis: connectRedis(redis.url),
      nsqd: nsqd.tcpAddress,
      topic: `${prefix}.changes`,
      prefix,
      legacy: { topic: legacyTopic },
      publishRetries: 1,
      backoffMs: 100,
      maxBackoffMs: 500,
      connectTimeoutMs: 300,
      publishTimeoutMs: 500,
    });
    await scheduler.start();
    try {
      const start = Date.now();
      const before = Array.from({ length: 20 }, (_, i) => ({ key: `before-${i}`, at: start + 300 }));
      const during = Array.from({ length: 20 }, (_, i) => ({
        key: `during-${i}`,
        at: start + 1_500 + i * 25,
      }));
      const after = Array.from({ length: 20 }, (_, i) => ({ key: `after-${i}`, at: start + 4_000 }));
      for (const { key, at } of [...before, ...during, ...after]) {
        await scheduler.schedule({ key, value: { key, n: 1 } }, { at });
      }
      await consumer.waitForCount(before.length, 10_000);
      await sleep(1_000 - (Date.now() - start));
      await nsqd.kill();
      await sleep(2_500 - (Date.now() - start)); // every "during" change fell due while nsqd was down
      expect(await scheduler.current()).toMatchObject({
        values: Object.fromEntries(during.map(({ key }) => [key, { key, n: 1 }])),
      });
      await nsqd.start();

      const expected = [...before, ...during, ...after].map(({ key }) => key).sort();
      const deadline = Date.now() + 20_000;
      const keys = () => [...new Set(consumer.decoded.map(({ Key }) => Key))].sort();
      while (keys().length < expected.length && Date.now() < deadline) await sleep(50);
      expect(keys()).toEqual(expected);
      for (const { Key, Value } of consumer.decoded) expect(JSON.parse(Value)).toEqual({ key: Key, n: 1 });
    } finally {
      await scheduler.stop();
      await consumer.stop();
    }
  });
});
