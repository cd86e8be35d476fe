import { expect, it } from 'vitest';
import { createConfigSubscriber, createScheduler } from 'hotconf';
import { useRedisCluster } from '../helpers/fixtures.js';
import { uniquePrefix } from '../helpers/redis.js';

const cluster = useRedisCluster();

// The report's MULTI and the readers' pipelines touch only {prefix} keys: one slot, one node.
it('reports, lists the fleet and waits for receipts on a Redis Cluster of 3 masters', async () => {
  const prefix = uniquePrefix('fleet-cluster');
  const topic = `${prefix}.changes`;
  const scheduler = createScheduler({ redis: cluster.client, nsqd: cluster.nsqd.tcpAddress, topic, prefix });
  const errors: Error[] = [];
  const subscribers = ['one', 'two'].map((instanceId) => {
    const subscriber = createConfigSubscriber({
      redis: cluster.client,
      nsqd: cluster.nsqd.tcpAddress,
      nsqdHttp: cluster.nsqd.httpAddress,
      topic,
      prefix,
      service: 'svc',
      instanceId,
      reportIntervalMs: 200,
    });
    subscriber.on('error', (error) => errors.push(error));
    return subscriber;
  });
  try {
    await scheduler.start();
    await Promise.all(subscribers.map((subscriber) => subscriber.ready()));
    await expect
      .poll(async () => (await scheduler.fleet()).map((instance) => instance.instanceId), { timeout: 5_000 })
      .toEqual(['one', 'two']);
    const { id } = await scheduler.schedule({ key: 'switch', value: 'on' });
    const report = await scheduler.waitForApplied(id, { timeoutMs: 10_000 });
    expect(report.missing).toEqual([]);
    expect(report.instances.map((instance) => instance.instanceId)).toEqual(['one', 'two']);
    expect(errors).toEqual([]);
    // close() takes each instance out of the fleet at once.
    await Promise.all(subscribers.map((subscriber) => subscriber.close()));
    expect(await scheduler.fleet()).toEqual([]);
  } finally {
    await Promise.all(subscribers.map((subscriber) => subscriber.close()));
    await scheduler.stop();
  }
}, 30_000);
