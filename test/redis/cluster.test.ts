import { describe, expect, it } from 'vitest';
import { createConfigSubscriber, createDelayQueue, createScheduler } from 'hotconf';
import { useRedisCluster } from '../helpers/fixtures.js';
import { uniquePrefix } from '../helpers/redis.js';

const cluster = useRedisCluster();

// Every key of a prefix carries the hash tag {prefix}, so each script runs on the one node owning it.
describe('on a Redis Cluster of 3 masters', () => {
  it('claims every item of several prefixes exactly once', async () => {
    // 12 random prefixes all on one of 3 nodes: a chance of 3 in 531,441.
    const prefixes = Array.from({ length: 12 }, (_, index) => uniquePrefix(`cluster-${index}`));
    for (const prefix of prefixes) {
      const queue = createDelayQueue({ redis: cluster.client, prefix });
      const ids = new Set<string>();
      for (let i = 0; i < 40; i++) ids.add((await queue.schedule({ payload: `p${i}` })).id);
      const claimed = [...(await queue.claim({ max: 30 })).items, ...(await queue.claim({ max: 30 })).items];
      expect(new Set(claimed.map((item) => item.id))).toEqual(ids);
      expect(await queue.ack(claimed)).toBe(40);
      expect(await queue.stats()).toMatchObject({ due: 0, processing: 0, scheduled: 0 });
    }
    // The prefixes really were spread over the nodes: more than one holds keys (each holds its claim counters).
    const keysPerNode = await Promise.all(cluster.client.nodes('master').map((node) => node.dbsize()));
    expect(keysPerNode.filter((count) => count > 0).length).toBeGreaterThan(1);
  });

  it('schedules, publishes and applies a change with a scheduler and a subscriber on the cluster', async () => {
    const prefix = uniquePrefix('cluster');
    const topic = `${prefix}.changes`;
    const scheduler = createScheduler({
      redis: cluster.client,
      nsqd: cluster.nsqd.tcpAddress,
      topic,
      prefix,
    });
    const subscriber = createConfigSubscriber({
      redis: cluster.client,
      nsqd: cluster.nsqd.tcpAddress,
      nsqdHttp: cluster.nsqd.httpAddress,
      topic,
      prefix,
      service: 'svc',
    });
    try {
      await scheduler.start();
      await subscriber.ready();
      // Due in 200 ms while the loop sleeps on nothing: the wake channel (pub/sub on the cluster) wakes it.
      await scheduler.schedule(
        {
          changes: [
            { key: 'switch', value: 'on' },
            { key: 'limit', value: 5 },
          ],
        },
        { delayMs: 200 },
      );
      await expect.poll(() => subscriber.getAll(), { timeout: 5_000 }).toEqual({ switch: 'on', limit: 5 });
      expect(subscriber.stats.applied).toBe(1);
      expect((await scheduler.current()).values).toEqual({ switch: 'on', limit: 5 });
    } finally {
      await subscriber.close();
      await scheduler.stop();
    }
    expect(cluster.client.status).toBe('ready'); // the app's cluster connection is left open
  });
});
