import { decodeChangeSet } from '../config/change-set-codec.js';
import type { NormalizedChange } from '../config/changes.js';
import { HotconfError } from '../errors.js';
import type { DelayQueue } from '../queue/delay-queue.js';
import type { ClaimedItem } from '../queue/types.js';
import { backoffDelay } from './backoff.js';
import { keepLeases } from './lease-keeper.js';
import { isRefusal, publishWithRetries } from './retry-publish.js';
import type { LostEvent, PublishedEvent, RequeuedEvent } from './types.js';

/** A claimed change set as it goes out: what an envelope (or any other body) is built from. */
export interface OutgoingChangeSet {
  item: ClaimedItem;
  seq: number;
  changes: readonly NormalizedChange[];
}

export interface DispatchContext {
  queue: DelayQueue;
  /** One publish attempt of these change sets, stamped `sentAt`; resolves once nsqd acknowledged all. */
  publish(changeSets: readonly OutgoingChangeSet[], sentAt: number): Promise<void>;
  publishRetries: number;
  backoffMs: number;
  maxBackoffMs: number;
  maxRefusedAttempts: number;
  /** Aborted on stop: no more quick retries, a failed batch is given back at once. */
  signal: AbortSignal;
  /** Now by the Redis server clock, estimated from the last claim. */
  serverNow(): number;
  onPublished(event: PublishedEvent): void;
  onRequeued(event: RequeuedEvent): void;
  onLost(event: LostEvent): void;
  onError(error: Error): void;
}

interface PublishOutcome {
  /** Groups nsqd acknowledged, with the server-clock time it did. */
  published: { changeSets: OutgoingChangeSet[]; publishedAt: number }[];
  /** Single change sets nsqd refused for what they are. */
  refused: { changeSet: OutgoingChangeSet; error: Error }[];
  /** Change sets not published for an outage (nsqd unreachable, slow, closing). */
  failed: { changeSets: OutgoingChangeSet[]; error: Error } | undefined;
}

/**
 * Publishes one claimed batch (one NSQ MPUB when all goes well) and acks it. A batch nsqd refuses is
 * split in halves until the refused change sets stand alone, so the others are published and acked;
 * each refused one is retried alone with backoff and given up after `maxRefusedAttempts` (it is in
 * effect in the snapshot already). When publishing keeps failing for an outage the batch is requeued
 * with capped exponential backoff: a config change is never dropped. When the ack fails the leases run
 * out and another claim republishes the batch (subscribers drop the repeat by version).
 */
export async function dispatchBatch(context: DispatchContext, items: readonly ClaimedItem[]): Promise<void> {
  const stopKeepingLeases = keepLeases(context.queue, items, context.onError);
  try {
    const changeSets = items.map((item) => ({ item, ...decodeChangeSet(item.payload) }));
    const { published, refused, failed } = await publishSplittingRefusals(context, changeSets);
    const settled = await Promise.allSettled([
      acknowledge(context, published),
      ...refused.map(({ changeSet, error }) => retryOrGiveUp(context, changeSet, error)),
      ...(failed ? [requeue(context, failed.changeSets, failed.error)] : []),
    ]);
    for (const result of settled) {
      if (result.status === 'rejected') context.onError(result.reason as Error);
    }
  } catch (error) {
    context.onError(error as Error);
  } finally {
    stopKeepingLeases();
  }
}

async function publishSplittingRefusals(
  context: DispatchContext,
  changeSets: OutgoingChangeSet[],
): Promise<PublishOutcome> {
  const outcome: PublishOutcome = { published: [], refused: [], failed: undefined };
  const groups = [changeSets];
  for (let group = groups.shift(); group; group = groups.shift()) {
    const publishing = group;
    try {
      await publishWithRetries(() => context.publish(publishing, context.serverNow()), {
        retries: context.publishRetries,
        signal: context.signal,
      });
      outcome.published.push({ changeSets: group, publishedAt: context.serverNow() });
    } catch (error) {
      if (!isRefusal(error)) {
        // nsqd is unreachable or hangs: the groups not yet tried would fail the same way.
        outcome.failed = { changeSets: [group, ...groups].flat(), error: error as Error };
        break;
      }
      if (group.length === 1) outcome.refused.push({ changeSet: group[0]!, error: error as Error });
      else {
        const half = Math.ceil(group.length / 2);
        groups.unshift(group.slice(0, half), group.slice(half));
      }
    }
  }
  return outcome;
}

async function acknowledge(context: DispatchContext, groups: PublishOutcome['published']): Promise<void> {
  const items = groups.flatMap(({ changeSets }) => changeSets.map(({ item }) => item));
  if (items.length === 0) return;
  const { lostIds } = await context.queue.ackLeases(items);
  // Published, but no longer ours to finish: the lease was taken back and the change goes out again.
  if (lostIds.length > 0) context.onLost({ ids: lostIds });
  const lost = new Set(lostIds);
  for (const { changeSets, publishedAt } of groups) {
    for (const { item, seq } of changeSets) {
      if (lost.has(item.id)) continue;
      context.onPublished({
        id: item.id,
        seq,
        effectiveAt: item.runAt,
        publishedAt,
        lagMs: publishedAt - item.runAt,
      });
    }
  }
}

async function retryOrGiveUp(
  context: DispatchContext,
  changeSet: OutgoingChangeSet,
  error: Error,
): Promise<void> {
  const { item } = changeSet;
  if (item.attempt < context.maxRefusedAttempts) {
    await requeue(context, [changeSet], error);
    return;
  }
  const { lostIds } = await context.queue.ackLeases([item]);
  if (lostIds.length > 0) {
    context.onLost({ ids: lostIds });
    return;
  }
  context.onError(
    new HotconfError(
      'E_UNPUBLISHABLE',
      `change set ${item.id} was refused on attempt ${item.attempt} of ${context.maxRefusedAttempts} and is no ` +
        `longer published; it is in effect in the snapshot, and subscribers get it on their next reconcile ` +
        `(${error.message})`,
      { cause: error },
    ),
  );
}

async function requeue(
  context: DispatchContext,
  changeSets: readonly OutgoingChangeSet[],
  error: Error,
): Promise<void> {
  const items = changeSets.map(({ item }) => item);
  const attempt = Math.max(...items.map((item) => item.attempt));
  const delayMs = context.signal.aborted ? 0 : backoffDelay(attempt, context.backoffMs, context.maxBackoffMs);
  const { lostIds } = await context.queue.requeueLeases(items, { delayMs });
  if (lostIds.length > 0) context.onLost({ ids: lostIds });
  const lost = new Set(lostIds);
  const requeued = items.filter((item) => !lost.has(item.id)).map((item) => item.id);
  if (requeued.length > 0) context.onRequeued({ ids: requeued, attempt, delayMs, error });
  context.onError(error);
}
