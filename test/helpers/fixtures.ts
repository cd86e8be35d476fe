import { Cluster } from 'ioredis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { closeAllRedis } from './redis.js';
import { assertNoUnexpectedErrors } from './unexpected-errors.js';
import {
  startNsqd,
  startRedisCluster,
  startRedisServer,
  type Nsqd,
  type RedisCluster,
  type RedisServer,
} from '../../local-services/services.js';

export interface TestServices {
  redis: RedisServer;
  /** Only when `nsqd: true` was asked for. */
  nsqd: Nsqd;
}

/**
 * Starts a redis-server (and an nsqd) before the file's tests and disposes of them, and of every
 * connection made with connectRedis, after. `private: true` for fault tests that stop or kill them;
 * `redisArgs` are added to redis-server's command line (with `private`).
 * After each test, fails it if a fixture (connectRedis, collectMessages) had an unexpected error.
 */
export function useServices(
  options: { nsqd?: boolean; private?: boolean; redisArgs?: readonly string[] } = {},
): TestServices {
  const services = {} as TestServices;
  beforeAll(async () => {
    const privately = { private: options.private ?? false };
    [services.redis, services.nsqd] = await Promise.all([
      startRedisServer({ ...privately, args: options.redisArgs }),
      options.nsqd ? startNsqd(privately) : (undefined as unknown as Nsqd),
    ]);
  });
  afterEach(assertNoUnexpectedErrors);
  afterAll(async () => {
    await closeAllRedis();
    await Promise.all([services.redis?.dispose(), services.nsqd?.dispose()]);
  });
  return services;
}

export interface ClusterServices {
  /** An ioredis Cluster client on the 3 masters, disconnected after the file. */
  client: Cluster;
  nsqd: Nsqd;
}

/** Starts a Redis Cluster of 3 masters and a private nsqd before the file's tests, disposes of them after. */
export function useRedisCluster(): ClusterServices {
  const services = {} as ClusterServices;
  let cluster: RedisCluster | undefined;
  beforeAll(async () => {
    [cluster, services.nsqd] = await Promise.all([startRedisCluster(3), startNsqd({ private: true })]);
    services.client = new Cluster(cluster.nodes);
  });
  afterAll(async () => {
    services.client?.disconnect();
    await Promise.all([cluster?.dispose(), services.nsqd?.dispose()]);
  });
  return services;
}
