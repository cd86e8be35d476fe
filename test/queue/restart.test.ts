import { describe, expect, it } from 'vitest';
import { createDelayQueue } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';

const services = useServices();

describe('the queue survives a Redis that forgot its scripts', () => {
  it('keeps working after SCRIPT FLUSH between calls', async () => {
    const redis = connectRedis(services.redis.url, { errorsExpected: true }); // the next test restarts Redis under it;
    const queue = createDelayQueue({ redis, prefix: uniquePrefix('flush') });
    await queue.schedule({ id: 'a', payload: 'p' });
    await redis.script('FLUSH');
    const { items } = await queue.claim();
    expect(items.map((item) => item.id)).toEqual(['a']);
    await redis.script('FLUSH');
    expect(await queue.ack(items)).toBe(1);
  });

  it('keeps working on the same connection after redis-server restarts', async () => {
    const queue = createDelayQueue({ redis: services.redis.url, prefix: uniquePrefix('restart') });
    await queue.schedule({ id: 'before', payload: 'p' });
    await services.redis.restart();
    // This redis-server keeps nothing on disk: the restart emptied it and dropped the script cache.
    await queue.schedule({ id: 'after', payload: 'p' });
    const { items } = await queue.claim({ max: 10 });
    expect(items.map((item) => item.id)).toEqual(['after']);
    expect(await queue.ack(items)).toBe(1);
    await queue.close();
  });
});
