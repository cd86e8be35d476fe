import type { Scheduler } from '../index.js';
import { redactUrls } from '../redis/redact.js';
import type { ConnectionSettings } from './args.js';
import { isHotconfError, loadLibrary } from './library.js';
import { UsageError } from './usage.js';

/** Client options all come from flags, so a client that refuses its options is a usage error. */
export function fromFlags<T>(create: () => T): T {
  try {
    return create();
  } catch (error) {
    if (isHotconfError(error) && error.code === 'E_INVALID_ARGUMENT') throw new UsageError(error.message);
    throw error;
  }
}

/** What every scheduler the CLI makes takes from the connection settings. */
export function schedulerSettings({ topic, prefix, historyLimit }: ConnectionSettings): {
  topic: string;
  prefix: string;
  historyLimit?: number;
} {
  return { topic, prefix, ...(historyLimit === undefined ? {} : { historyLimit }) };
}

/**
 * Runs one admin call on a scheduler that is never started. Its Redis connection does not retry: a
 * one-shot command should fail at once when Redis is unreachable, where a URL would make ioredis
 * reconnect for ever.
 */
export async function withScheduler<T>(
  settings: ConnectionSettings,
  use: (scheduler: Scheduler) => Promise<T>,
): Promise<T> {
  const [{ Redis }, { createScheduler }] = await Promise.all([import('ioredis'), loadLibrary()]);
  const redis = new Redis(settings.redisUrl, { lazyConnect: true, retryStrategy: () => null });
  let lastError: Error | undefined; // connect() itself only says "Connection is closed."
  redis.on('error', (error: Error) => (lastError = error));
  const scheduler = fromFlags(() => createScheduler({ redis, ...schedulerSettings(settings) }));
  // Not disconnected when the connect failed: ioredis would keep the process alive for 2 s more.
  await redis.connect().catch((error: Error) => {
    throw new Error(
      `cannot connect to Redis at ${redactUrls(settings.redisUrl)}: ${(lastError ?? error).message}`,
    );
  });
  try {
    return await use(scheduler);
  } finally {
    redis.disconnect();
  }
}
