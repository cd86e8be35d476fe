import pRetry from 'p-retry';
import { decodeChangeSet } from '../config/change-set-codec.js';
import { envelopeJson } from '../config/envelope.js';
import type { DelayQueue } from '../queue/delay-queue.js';
import type { ClaimedItem } from '../queue/types.js';
import { backoffDelay } from './backoff.js';
import { keepLeases } from './lease-keeper.js';
import type { PublishedEvent, RequeuedEvent } from './types.js';

export interface DispatchContext {
  queue: DelayQueue;
  publish(messages: string[]): Promise<void>;
  publishRetries: number;
  backoffMs: number;
  maxBackoffMs: number;
  /** Aborted on stop: no more quick retries, a failed batch is given back at once. */
  signal: AbortSignal;
  /** Now by the Redis server clock, estimated from the last claim. */
  serverNow(): number;
  onPublished(event: PublishedEvent): void;
  onRequeued(event: RequeuedEvent): void;
  onError(error: Error): void;
}

/**
 * Publishes one claimed batch with one NSQ MPUB and acks it. When publishing keeps failing the batch is
 * requeued with capped exponential backoff: a config change is never dropped. When the ack fails the
 * leases run out and another claim republishes the batch (subscribers drop the repeat by version).
 */
export async function dispatchBatch(context: DispatchContext, items: readonly ClaimedItem[]): Promise<void> {
  const changeSets = items.map((item) => ({ item, ...decodeChangeSet(item.payload) }));
  const stopKeepingLeases = keepLeases(context.queue, items, context.onError);
  try {
    try {
      await pRetry(
        () => {
          const sentAt = context.serverNow();
          return context.publish(
            changeSets.map(({ item, seq, changes }) =>
              envelopeJson({ id: item.id, seq, effectiveAt: item.runAt, publishedAt: sentAt, changes }),
            ),
          );
        },
        { retries: context.publishRetries, minTimeout: 50, maxTimeout: 500, signal: context.signal },
      );
    } catch (error) {
      await requeue(context, items, error as Error);
      return;
    }
    const publishedAt = context.serverNow(); // nsqd has acknowledged the MPUB
    await context.queue.ack(items);
    for (const { item, seq } of changeSets) {
      context.onPublished({
        id: item.id,
        seq,
        effectiveAt: item.runAt,
        publishedAt,
        lagMs: publishedAt - item.runAt,
      });
    }
  } catch (error) {
    context.onError(error as Error);
  } finally {
    stopKeepingLeases();
  }
}

async function requeue(context: DispatchContext, items: readonly ClaimedItem[], error: Error): Promise<void> {
  const attempt = Math.max(...items.map((item) => item.attempt));
  const delayMs = context.signal.aborted ? 0 : backoffDelay(attempt, context.backoffMs, context.maxBackoffMs);
  await context.queue.requeue(items, { delayMs });
  context.onRequeued({ ids: items.map((item) => item.id), attempt, delayMs, error });
  context.onError(error);
}
