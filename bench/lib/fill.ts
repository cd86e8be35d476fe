import { createDelayQueue } from 'hotconf';
import { forEachWindowed } from './windowed.js';

/** What every filled item carries: a 64-byte payload, about the size of a small config change. */
export const FILL_PAYLOAD = 'x'.repeat(64);

/**
 * Schedules `count` items through the public `schedule` call, pipelined 1,000 at a time on one
 * connection. Not timed: filling is set-up. `at` in the past (the default) makes them due at once.
 */
export async function fillQueue(
  redisUrl: string,
  prefix: string,
  count: number,
  { at = 0 }: { at?: number } = {},
): Promise<void> {
  const queue = createDelayQueue({ redis: redisUrl, prefix });
  try {
    await forEachWindowed(count, 1000, () => queue.schedule({ payload: FILL_PAYLOAD, at }));
  } finally {
    await queue.close();
  }
}
