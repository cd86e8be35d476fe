import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecipeBridge, createScheduler, type RecipeBridge, type Scheduler } from 'hotconf';
import { startRedisCluster, type RedisCluster } from '../../local-services/services.js';
import { uniquePrefix } from '../helpers/redis.js';

let cluster: RedisCluster;
let client: Cluster;

beforeAll(async () => {
  cluster = await startRedisCluster(3);
  client = new Cluster(cluster.nodes);
});
afterAll(async () => {
  client?.disconnect();
  await cluster?.dispose();
});

const SLOTS_PER_NODE = Math.ceil(16384 / 3);

/** A prefix and a recipe key that live on different masters, as they would in a real deployment. */
async function onDifferentNodes(label: string): Promise<{ prefix: string; key: string }> {
  const key = `config:delayed:push:${uniquePrefix(label)}`;
  const keyNode = Math.floor(((await client.cluster('KEYSLOT', key)) as number) / SLOTS_PER_NODE);
  for (;;) {
    const prefix = uniquePrefix(label);
    const slot = (await client.cluster('KEYSLOT', `{${prefix}}:due`)) as number;
    if (Math.floor(slot / SLOTS_PER_NODE) !== keyNode) return { prefix, key };
  }
}

async function deployment(label: string, bridges = 1) {
  const { prefix, key } = await onDifferentNodes(label);
  const scheduler: Scheduler = createScheduler({ redis: client, topic: 'unused', prefix });
  const made: RecipeBridge[] = Array.from({ length: bridges }, () =>
    createRecipeBridge({ redis: client, scheduler, key, batchSize: 20 }),
  );
  return { key, scheduler, bridges: made };
}

describe('the recipe bridge on a Redis Cluster (recipe key and hotconf keys on different nodes)', () => {
  it('takes each member once with two bridges on one ZSET', async () => {
    const { key, scheduler, bridges } = await deployment('cluster-two', 2);
    const future = Math.floor(Date.now() / 1000) + 3600;
    const total = 200;
    for (let i = 0; i < total; i += 50) {
      await client.zadd(
        key,
        ...Array.from({ length: 50 }, (_, j) => [future + i + j, `{"key":"k${i + j}","value":1}`]).flat(),
      );
    }
    try {
      await Promise.all(bridges.map((bridge) => bridge.start()));
      const deadline = Date.now() + 15_000;
      while ((await client.zcard(key)) > 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(await client.zcard(key)).toBe(0);
      const pending = await scheduler.pending({ limit: 1000 });
      expect(pending).toHaveLength(total);
      expect(new Set(pending.map(({ changes }) => changes[0]!.key)).size).toBe(total);
    } finally {
      await Promise.all(bridges.map((bridge) => bridge.stop()));
    }
  });

  it('changes nothing when a move is retried after a crash between the schedule and the ZREM', async () => {
    const { key, scheduler, bridges } = await deployment('cluster-retry');
    const [bridge] = bridges;
    const score = Math.floor(Date.now() / 1000) + 3600;
    const member = '{"key":"switch","value":"on"}';
    await client.zadd(key, score, member);
    expect(await bridge!.moveOnce()).toMatchObject({ scheduled: 1 });
    const [first] = await scheduler.pending();
    // The state a crash after the schedule and before the ZREM leaves: scheduled, and still in the ZSET.
    await client.zadd(key, score, member);
    await bridge!.moveOnce();
    expect(await client.zcard(key)).toBe(0);
    expect(await scheduler.pending()).toEqual([first]);
    await bridge!.stop();
  });

  it('dead-lists an unmappable member and moves the rest', async () => {
    const { key, scheduler, bridges } = await deployment('cluster-dead');
    const [bridge] = bridges;
    const score = Math.floor(Date.now() / 1000) + 3600;
    await client.zadd(key, score, 'nope', score, '{"key":"ok","value":1}');
    expect(await bridge!.moveOnce()).toEqual({ scheduled: 1, dead: 1, read: 2 });
    expect(await client.zcard(key)).toBe(0);
    expect((await bridge!.dead()).map(({ member, reason }) => [member, reason.slice(0, 8)])).toEqual([
      ['nope', 'not JSON'],
    ]);
    expect((await scheduler.pending()).map(({ changes }) => changes)).toEqual([[{ key: 'ok', value: 1 }]]);
    await bridge!.stop();
  });
});
