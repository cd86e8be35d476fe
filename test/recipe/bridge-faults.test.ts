import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecipeBridge, createScheduler } from 'hotconf';
import { startRedisServer, type RedisServer } from '../../local-services/services.js';
import { closeAllRedis, connectRedis, uniquePrefix } from '../helpers/redis.js';

let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedisServer({ private: true, args: ['--appendonly', 'yes', '--appendfsync', 'always'] });
});

afterAll(async () => {
  await closeAllRedis();
  await redis?.dispose();
});

async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('the recipe bridge through a Redis outage', () => {
  it('keeps every member it moved across a SIGKILL of Redis (appendfsync always) and moves the rest once Redis is back', async () => {
    const prefix = uniquePrefix('bridge-outage');
    const key = `${prefix}:config:delayed:push`;
    const admin = connectRedis(redis.url);
    const scheduler = createScheduler({ redis: redis.url, topic: 'unused', prefix });
    const bridge = createRecipeBridge({ redis: redis.url, scheduler, key, pollMs: 50 });
    await bridge.start();
    const score = Math.floor(Date.now() / 1000) + 3600;
    const zadd = (from: number) =>
      admin.zadd(
        key,
        ...Array.from({ length: 50 }, (_, i) => [score, `{"key":"k${from + i}","value":1}`]).flat(),
      );
    try {
      await zadd(0);
      await until(async () => (await admin.zcard(key)) === 0, 5_000, 'the first members to move');
      await redis.kill();
      await sleep(500); // the bridge polls a Redis that is not there
      await redis.start();
      await zadd(50);
      await until(async () => (await admin.zcard(key)) === 0, 10_000, 'the bridge to move again');
      const pending = await scheduler.pending({ limit: 1000 });
      expect(pending.map(({ changes }) => changes[0]!.key).sort()).toEqual(
        Array.from({ length: 100 }, (_, i) => `k${i}`).sort(),
      );
    } finally {
      await bridge.stop();
      await scheduler.stop();
    }
  });

  it('stops within a few seconds while Redis is down', async () => {
    const prefix = uniquePrefix('bridge-stop');
    const scheduler = createScheduler({ redis: redis.url, topic: 'unused', prefix });
    const bridge = createRecipeBridge({ redis: redis.url, scheduler, key: `${prefix}:push`, pollMs: 20 });
    await bridge.start();
    await sleep(100);
    await redis.kill();
    try {
      await sleep(300); // its reads now wait for a Redis that is not there
      const stopping = Date.now();
      await bridge.stop();
      expect(Date.now() - stopping).toBeLessThan(3_000);
    } finally {
      await redis.start();
      await scheduler.stop();
    }
  });
});
