import { createDelayQueue, type ChangeSetInput, type Scheduler, type ScheduleOptions } from 'hotconf';
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

/** Schedules `count` change sets through `scheduler.schedule`, 1,000 at a time. Not timed. */
export async function fillScheduler(
  scheduler: Scheduler,
  count: number,
  change: (index: number) => { change: ChangeSetInput; options?: ScheduleOptions },
): Promise<void> {
  await forEachWindowed(count, 1000, (index) => {
    const next = change(index);
    return scheduler.schedule(next.change, next.options);
  });
}
