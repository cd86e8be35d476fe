// The Redis server is checked once per connection before the first script: older than 6.2 (no ZMSCORE)
// is refused with E_REDIS_VERSION before anything is written; an evicting maxmemory-policy is warned about.
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createDelayQueue, type Logger } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';

const services = useServices({ private: true });

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const ignore = (): void => {};
  return {
    warnings,
    debug: ignore,
    info: ignore,
    error: ignore,
    warn: (_obj, msg) => warnings.push(String(msg)),
  };
}

/** The real connection, answering INFO as a Redis of another version would. */
function claimingVersion(redis: Redis, version: string): Redis {
  const info = redis.info.bind(redis);
  redis.info = (async (...args: Parameters<Redis['info']>) =>
    (await info(...args)).replace(/redis_version:[\d.]+/, `redis_version:${version}`)) as Redis['info'];
  return redis;
}

describe('Redis server check', () => {
  it('refuses Redis 6.0 with E_REDIS_VERSION before any write', async () => {
    const redis = claimingVersion(connectRedis(services.redis.url), '6.0.16');
    const prefix = uniquePrefix('old');
    const queue = createDelayQueue({ redis, prefix });
    await expect(queue.schedule({ id: 'x', payload: 'p' })).rejects.toMatchObject({
      code: 'E_REDIS_VERSION',
      message: expect.stringContaining('6.2'),
    });
    await expect(queue.claim()).rejects.toMatchObject({ code: 'E_REDIS_VERSION' });
    expect(await redis.keys(`{${prefix}}*`)).toEqual([]);
  });

  it('accepts 6.2 and checks once per connection', async () => {
    const redis = claimingVersion(connectRedis(services.redis.url), '6.2.0');
    let infoCalls = 0;
    const info = redis.info.bind(redis);
    redis.info = ((...args: Parameters<Redis['info']>) => {
      if (args[0] === 'server') infoCalls += 1; // (ioredis's own ready check asks for all sections)
      return info(...args);
    }) as Redis['info'];
    const queue = createDelayQueue({ redis, prefix: uniquePrefix('ok') });
    await queue.schedule({ payload: 'p' });
    await queue.claim();
    await createDelayQueue({ redis, prefix: uniquePrefix('other') }).stats();
    expect(infoCalls).toBe(1);
  });

  it('warns through the logger when maxmemory-policy is not noeviction, and not when it is', async () => {
    const admin = connectRedis(services.redis.url);
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const logger = recordingLogger();
    await createDelayQueue({
      redis: connectRedis(services.redis.url),
      prefix: uniquePrefix('lru'),
      logger,
    }).stats();
    expect(logger.warnings).toEqual([expect.stringContaining('maxmemory-policy is allkeys-lru')]);

    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    const quiet = recordingLogger();
    await createDelayQueue({
      redis: connectRedis(services.redis.url),
      prefix: uniquePrefix('ne'),
      logger: quiet,
    }).stats();
    expect(quiet.warnings).toEqual([]);
  });
});
