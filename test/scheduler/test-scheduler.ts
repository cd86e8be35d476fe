import { createScheduler, type Scheduler, type SchedulerOptions } from 'hotconf';
import type { TestServices } from '../helpers/fixtures.js';
import { connectRedis } from '../helpers/redis.js';

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
