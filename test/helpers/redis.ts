import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

const connections: Redis[] = [];

/** A key prefix no other test uses, readable in redis-cli. */
export function uniquePrefix(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}`;
}

/** An ioredis connection closed by `closeAllRedis()`. Errors are expected in fault tests; they are not thrown. */
export function connectRedis(url: string): Redis {
  const redis = new Redis(url);
  redis.on('error', () => {});
  connections.push(redis);
  return redis;
}

export async function closeAllRedis(): Promise<void> {
  for (const redis of connections.splice(0)) redis.disconnect();
}
