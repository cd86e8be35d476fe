import type { DelayQueue } from '../queue/delay-queue.js';
import type { LeaseRef } from '../queue/types.js';

/**
 * Extends the leases of a batch every third of the lease while its publish is slow, so another
 * scheduler does not take it over. Returns the function that stops extending.
 */
export function keepLeases(
  queue: DelayQueue,
  items: readonly LeaseRef[],
  onError: (error: Error) => void,
): () => void {
  let extending: Promise<void> | undefined;
  const timer = setInterval(
    () => {
      // While Redis does not answer, one extend waits; more would only pile up in the client's queue.
      extending ??= queue
        .extend(items)
        .then(
          () => {},
          (error: unknown) => onError(error as Error),
        )
        .finally(() => {
          extending = undefined;
        });
    },
    Math.max(1, Math.floor(queue.leaseMs / 3)),
  );
  timer.unref();
  return () => clearInterval(timer);
}
