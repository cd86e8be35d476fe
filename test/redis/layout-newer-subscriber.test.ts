// A subscriber that finds the prefix in a newer layout than it knows refuses with E_LAYOUT (ready()
// rejects, the error event says so) instead of serving keys it may misread.
import { describe, expect, it } from 'vitest';
import { createConfigSubscriber, createScheduler, type HotconfError } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';

const services = useServices({ nsqd: true });

describe('a subscriber on a newer layout', () => {
  it('rejects ready() with E_LAYOUT and reports it', async () => {
    const redis = connectRedis(services.redis.url);
    const prefix = uniquePrefix('newer');
    const topic = `${prefix}.changes`;
    await createScheduler({ redis, topic, prefix }).schedule({ key: 'k', value: 1 });
    await redis.hset(`{${prefix}}:meta`, 'layout', '3');
    const subscriber = createConfigSubscriber({
      redis,
      nsqd: services.nsqd.tcpAddress,
      topic,
      prefix,
      service: 'svc',
    });
    const errors: HotconfError[] = [];
    subscriber.on('error', (error) => errors.push(error as HotconfError));
    try {
      await expect(subscriber.ready({ timeoutMs: 10_000 })).rejects.toMatchObject({
        code: 'E_LAYOUT',
        message: expect.stringContaining('layout 3'),
      });
      expect(errors.map((error) => error.code)).toContain('E_LAYOUT');
      expect(subscriber.getAll()).toEqual({});
    } finally {
      await subscriber.close();
    }
  });
});
