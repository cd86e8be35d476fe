import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { startRedisServer, type RedisServer } from '../../local-services/services.js';
import { recordUnexpectedError } from './unexpected-errors.js';

const connections: Redis[] = [];

/** A key prefix no other test uses, readable in redis-cli. */
export function uniquePrefix(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}`;
}

/**
 * An ioredis connection closed by `closeAllRedis()`. Its errors fail the test (after it ran) unless
 * `errorsExpected`, for a fault test that stops the server under it.
 */
export function connectRedis(
  url: string,
  { errorsExpected = false }: { errorsExpected?: boolean } = {},
): Redis {
  const redis = new Redis(url);
  redis.on('error', errorsExpected ? () => {} : recordUnexpectedError(`Redis connection to ${url}`));
  connections.push(redis);
  return redis;
}

export async function closeAllRedis(): Promise<void> {
  for (const redis of connections.splice(0)) redis.disconnect();
}

/**
 * A private redis-server (disposed of after the file) that requires the password `password`, for tests
 * that give hotconf a wrong one and check it never shows.
 */
export function usePasswordProtectedRedis(password: string): { readonly server: RedisServer } {
  const holder = {} as { server: RedisServer };
  beforeAll(async () => {
    holder.server = await startRedisServer({ private: true });
    // Set after start: the harness's readiness probe has no password.
    const admin = new Redis(holder.server.url);
    await admin.config('SET', 'requirepass', password);
    admin.disconnect();
  });
  afterAll(() => holder.server?.dispose());
  return holder;
}
