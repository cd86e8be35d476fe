import { describe, expect, it } from 'vitest';
import { createRecipeBridge, createScheduler } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';

const services = useServices();

/** A scheduler and a bridge on a prefix of the test's own, on a connection the test owns. */
function deployment(label: string) {
  const prefix = uniquePrefix(label);
  const recipeKey = `${prefix}:config:delayed:push`;
  // stop() leaves a given connection open, so only the bridge's own check can refuse a call.
  const redis = connectRedis(services.redis.url);
  const scheduler = createScheduler({ redis, prefix, topic: `${prefix}.changes` });
  const bridge = createRecipeBridge({ redis, scheduler, key: recipeKey });
  const inAnHour = Math.floor(Date.now() / 1000) + 3600;
  return { prefix, recipeKey, redis, scheduler, bridge, inAnHour };
}

describe('a stopped recipe bridge', () => {
  it('rejects moveOnce(), dead() and purgeDead() with E_CLOSED and leaves Redis as it was', async () => {
    const { prefix, recipeKey, redis, scheduler, bridge, inAnHour } = deployment('bridge-closed');
    await redis.zadd(recipeKey, inAnHour, '{"key":"a","value":"1"}');
    await redis.zadd(recipeKey, 1, 'not json');

    await bridge.stop();

    await expect(bridge.moveOnce()).rejects.toMatchObject({ code: 'E_CLOSED' });
    await expect(bridge.dead()).rejects.toMatchObject({ code: 'E_CLOSED' });
    await expect(bridge.purgeDead(['x'])).rejects.toMatchObject({ code: 'E_CLOSED' });
    expect(await redis.zcard(recipeKey)).toBe(2);
    expect(await redis.keys(`*${prefix}*`)).toEqual([recipeKey]);
    await scheduler.stop();
  });

  it('still moves members with moveOnce() before stop()', async () => {
    const { recipeKey, redis, scheduler, bridge, inAnHour } = deployment('bridge-open');
    await redis.zadd(recipeKey, inAnHour, '{"key":"a","value":"1"}');

    expect(await bridge.moveOnce()).toEqual({ scheduled: 1, dead: 0, read: 1 });
    expect(await redis.zcard(recipeKey)).toBe(0);
    await bridge.stop();
    await scheduler.stop();
  });
});
