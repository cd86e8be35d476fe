import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { useServices } from '../helpers/fixtures.js';
import { publishRaw } from '../helpers/nsq.js';
import { envelopeBody, PATH_TIMEOUT_MS, untilChannelExists, useDeployments } from './fixtures.js';

const services = useServices({ nsqd: true });
const deployment = useDeployments(services);
const connections: Redis[] = [];
afterEach(() => connections.splice(0).forEach((redis) => redis.disconnect()));

/**
 * A real connection whose first snapshot read (MULTI … EXEC) waits until the test lets it go, and says
 * when it began: the one thing a test cannot otherwise time against a local Redis.
 */
function connectionWithHeldFirstRead(): { redis: Redis; readBegan: Promise<void>; release(): void } {
  const redis = new Redis(services.redis.url);
  connections.push(redis);
  let began!: () => void;
  let release!: () => void;
  const readBegan = new Promise<void>((resolve) => (began = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const multi = redis.multi.bind(redis) as () => ReturnType<Redis['multi']>;
  let held = false;
  redis.multi = (() => {
    const transaction = multi();
    if (held) return transaction;
    held = true;
    const exec = transaction.exec.bind(transaction);
    transaction.exec = (async () => {
      began();
      await released;
      return exec();
    }) as typeof transaction.exec;
    return transaction;
  }) as Redis['multi'];
  return { redis, readBegan, release };
}

describe('the start-up buffer', () => {
  it('uses no snapshot read that began before a message was dropped: it reads again', async () => {
    const { topic, subscribe } = deployment('drop-during-read');
    const { redis, readBegan, release } = connectionWithHeldFirstRead();
    const subscriber = subscribe('svc', { redis, startupBufferBytes: 1_000 });
    await readBegan;
    await untilChannelExists(services.nsqd.httpAddress, topic, subscriber.channel);
    for (let i = 0; i < 10; i++) {
      const changes = [{ key: `key-${i}`, value: 'x'.repeat(200) }];
      await publishRaw(services.nsqd.httpAddress, topic, envelopeBody(`raw-${i}`, i + 1, i + 1, changes));
    }
    await expect.poll(() => subscriber.stats.bufferDropped, { timeout: PATH_TIMEOUT_MS }).toBeGreaterThan(0);

    release();
    expect(await subscriber.ready({ timeoutMs: PATH_TIMEOUT_MS })).toMatchObject({ source: 'redis' });
    // The held read ended after the drops: it was set aside and the snapshot read again.
    expect(subscriber.stats.reloads).toBe(2);
  });
});
