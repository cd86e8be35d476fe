import { Redis } from 'ioredis';
import { createScheduler, type Scheduler, type SchedulerOptions } from 'hotconf';
import type { TestServices } from './fixtures.js';
import { connectRedis } from './redis.js';

/**
 * A scheduler on the test's services: its own Redis connection (closed after the file; its errors fail
 * the test) unless `options.redis` is given, the test's nsqd
 * (when it has one), topic `<prefix>.changes`; `options` override any of it.
 */
export function testScheduler(
  services: TestServices,
  prefix: string,
  options: Partial<SchedulerOptions> = {},
): Scheduler {
  return createScheduler({
    nsqd: services.nsqd?.tcpAddress,
    topic: `${prefix}.changes`,
    prefix,
    ...options,
    redis: options.redis ?? connectRedis(services.redis.url),
  });
}

/**
 * A scheduler for a test that kills Redis under it, with quick backoff, on an app client that gives a
 * command up after one reconnect: with ioredis' default (20), a command in flight at the kill would take
 * ~50 s to fail. Disconnect `redis` at the end of the test.
 */
export function schedulerThroughOutage(
  services: TestServices,
  prefix: string,
  options: Partial<SchedulerOptions> = {},
): { scheduler: Scheduler; redis: Redis } {
  const redis = new Redis(services.redis.url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {}); // the outage is the test's doing; the scheduler reports it as E_REDIS
  const scheduler = testScheduler(services, prefix, { redis, backoffMs: 50, maxBackoffMs: 200, ...options });
  return { scheduler, redis };
}
