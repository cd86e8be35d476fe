import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { collectMessages, publishRaw, topicStats } from './nsq.js';
import { startNsqd, startRedisServer } from './services.js';

function probe(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
  redis.on('error', () => {});
  return redis;
}

describe('the test harness', () => {
  it('starts a private redis-server that forgets its data on restart and comes back after a kill', async () => {
    const server = await startRedisServer({ private: true });
    const other = await startRedisServer({ private: true });
    expect(server.port).not.toBe(other.port);

    const client = probe(server.url);
    await client.connect();
    await client.set('k', 'v');
    await server.restart();
    await client.connect().catch(() => {}); // the old socket died with the server
    expect(await probe(server.url).get('k')).toBeNull();

    await server.kill();
    await expect(probe(server.url).connect()).rejects.toThrow();
    await server.start();
    expect(await probe(server.url).ping()).toBe('PONG');

    await Promise.all([server.dispose(), other.dispose()]);
  });

  it('starts a private nsqd that delivers messages and restarts on the same ports', async () => {
    const nsqd = await startNsqd({ private: true });
    const consumer = await collectMessages(nsqd.tcpAddress, 'harness');
    await publishRaw(nsqd.httpAddress, 'harness', 'hello');
    await consumer.waitForCount(1, 2_000);
    expect(consumer.messages).toEqual(['hello']);
    await consumer.close();

    await nsqd.restart();
    await publishRaw(nsqd.httpAddress, 'harness', 'again');
    expect((await topicStats(nsqd.httpAddress, 'harness'))?.messageCount).toBe(1);
    await nsqd.dispose();
    await nsqd.dispose();
  });

  it('removes the temp dir on dispose', async () => {
    const nsqd = await startNsqd({ private: true });
    const stats = await fetch(`http://${nsqd.httpAddress}/info`).then((r) => r.json() as Promise<object>);
    expect(stats).toHaveProperty('version', '1.3.0');
    const dataDir = (await (await fetch(`http://${nsqd.httpAddress}/config/data_path`)).text()).trim();
    expect(existsSync(dataDir)).toBe(true);
    await nsqd.dispose();
    expect(existsSync(dataDir)).toBe(false);
  });
});
