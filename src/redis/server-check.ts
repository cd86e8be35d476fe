import { HotconfError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RedisClient } from './connection.js';

/** The oldest Redis hotconf runs on: its scripts use ZMSCORE (Redis 6.2). */
const MIN_REDIS_VERSION = [6, 2] as const;

const checked = new WeakMap<RedisClient, Promise<void>>();

/**
 * Checks the Redis server once per connection, before its first script: refuses a server older than
 * 6.2 with E_REDIS_VERSION, and warns through the logger when `maxmemory-policy` is not `noeviction`
 * (an evicting Redis may drop scheduled changes or the snapshot). A failed check is retried next time.
 */
export function checkRedisServer(redis: RedisClient, logger: Logger): Promise<void> {
  let check = checked.get(redis);
  if (check === undefined) {
    check = runCheck(redis, logger);
    checked.set(redis, check);
    check.catch(() => checked.delete(redis));
  }
  return check;
}

async function runCheck(redis: RedisClient, logger: Logger): Promise<void> {
  const info = await redis.info('server');
  const version = /^redis_version:(\d+)\.(\d+)/m.exec(info);
  // A server that does not say (a proxy, a mock) is given the benefit of the doubt.
  if (version !== null && isOlder([Number(version[1]), Number(version[2])], MIN_REDIS_VERSION)) {
    throw new HotconfError(
      'E_REDIS_VERSION',
      `Redis ${version[1]}.${version[2]} is too old: hotconf needs Redis ${MIN_REDIS_VERSION.join('.')} or later`,
    );
  }
  const policy = await evictionPolicy(redis);
  if (policy !== undefined && policy !== 'noeviction') {
    logger.warn(
      { maxmemoryPolicy: policy },
      `hotconf: Redis maxmemory-policy is ${policy}; use noeviction, or scheduled changes may be evicted`,
    );
  }
}

function isOlder(version: readonly number[], than: readonly number[]): boolean {
  return version[0]! < than[0]! || (version[0] === than[0] && version[1]! < than[1]!);
}

// Managed Redis services often disable CONFIG: then the policy is simply not known.
async function evictionPolicy(redis: RedisClient): Promise<string | undefined> {
  try {
    const reply = (await redis.call('CONFIG', 'GET', 'maxmemory-policy')) as unknown;
    return Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : undefined;
  } catch {
    return undefined;
  }
}
