import type { ChangeSetInput, ConfigChange, NormalizedChange } from '../config/changes.js';
import type { Logger } from '../logger.js';
import type { QueueCounts } from '../queue/delay-queue.js';
import type { When } from '../queue/validate.js';
import type { HotconfKeys } from '../redis/keys.js';
import type { LegacyOptions } from '../recipe/legacy-publishing.js';
import type { RedisOption } from '../redis/connection.js';
import type { ConflictEvent } from '../release/conflict-watcher.js';
import type { ReleaseOptions } from '../release/release-control.js';

export interface SchedulerOptions {
  /** An ioredis Redis or Cluster (left open by `stop()`) or a redis:// URL. */
  redis: RedisOption;
  /** nsqd TCP address(es) `'host:port'`; a failed one fails over to the next. Needed by `start()` only. */
  nsqd?: string | readonly string[];
  /** NSQ topic the change sets are published to (NSQ's naming rules). */
  topic: string;
  /** Namespace of the Redis keys, shared by schedulers and subscribers of one deployment. */
  prefix: string;
  /** How long a claimed batch is held before another scheduler may take it over. Default 30 s. */
  leaseMs?: number;
  /** Change sets per claim and per NSQ MPUB (1-1000). Default 100. */
  batchSize?: number;
  /** Batches being published while the next one is claimed. Default 4. */
  maxInFlight?: number;
  /** Largest envelope accepted by `schedule()`, in bytes. Default 1 MiB, nsqd's default --max-msg-size. */
  maxMessageBytes?: number;
  /**
   * Largest MPUB body sent to nsqd; keep it within nsqd's --max-body-size. Must hold one message of
   * `maxMessageBytes` (+ 8 bytes of framing). Default 5 MiB (nsqd's default), or that much when larger.
   */
  maxBodyBytes?: number;
  /** Longest config key, in bytes. Default 256. */
  maxKeyBytes?: number;
  /** How long connecting to an nsqd may take before the next address is tried. Default 2 s. */
  connectTimeoutMs?: number;
  /** How long nsqd may take to acknowledge an MPUB before it counts as failed. Default 5 s. */
  publishTimeoutMs?: number;
  /** Quick publish retries before a batch is requeued (not for a refusal: see maxRefusedAttempts). Default 2. */
  publishRetries?: number;
  /** Requeue backoff: first delay, doubled per attempt up to the cap. Defaults 200 ms and 30 s. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** How often expired leases of crashed schedulers are reaped. Default: leaseMs / 2, at most 1 s. */
  reapIntervalMs?: number;
  /**
   * Longest `stop()` waits for the batches in flight to be acked or given back (a hung Redis or nsqd);
   * what is still held then is left to its leases, which expire. Default 5 s.
   */
  stopTimeoutMs?: number;
  /**
   * A change set nsqd refuses (over its --max-msg-size, say) is split from its batch and retried alone
   * with backoff; once it has failed this many publish attempts and nsqd refused the last, the scheduler
   * stops publishing it, with an `error` event (code E_UNPUBLISHABLE). It is in effect in the snapshot
   * already, so subscribers still get it on their next reconcile. Default 5.
   */
  maxRefusedAttempts?: number;
  /** About how many records the history stream keeps (XADD MINID ~); 0 turns history and release control off. Default 10,000. */
  historyLimit?: number;
  /** How often a running scheduler tops up recurring changes' precomputed times. Default 10 s. */
  recurringRefillMs?: number;
  /** pino-compatible logger; silent by default. */
  logger?: Logger;
  /** How long a given id is remembered after its change finished, so repeating it changes nothing. Default 7 days. */
  idRetentionMs?: number;
  /** Also publish every change as the recipe's `{"key","value"}` body to this topic (src/recipe). */
  legacy?: LegacyOptions;
}

/** Scheduler counts; `awaitingPublish`: change sets in effect whose publish is to be retried. */
export type SchedulerStats = QueueCounts;

export interface ScheduleOptions extends When, ReleaseOptions {
  /** Stable id, so a retried schedule is harmless; generated when absent. */
  id?: string;
}

export interface ScheduledChange {
  id: string;
  seq: number;
  /** Epoch ms, by the Redis server clock. */
  effectiveAt: number;
}

export interface PendingChange extends ScheduledChange {
  changes: ConfigChange[];
}

export interface CurrentConfig {
  revision: number;
  values: Record<string, unknown>;
}

export interface PublishedEvent extends ScheduledChange {
  /** Server-clock estimate of when nsqd acknowledged the publish. */
  publishedAt: number;
  /** publishedAt - effectiveAt. */
  lagMs: number;
}

export interface RequeuedEvent {
  /** The change sets given back (any whose lease was already lost are named by a `lost` event instead). */
  ids: string[];
  /** The attempt that failed. */
  attempt: number;
  delayMs: number;
  error: Error;
}

/**
 * By the time this scheduler acked (or gave back) these change sets, the lease on them had expired and
 * been taken back (a pause longer than leaseMs): another claim publishes them again, so they are not done.
 */
export interface LostEvent {
  /** The ids whose lease was lost; the rest of their batch was acked (and reported) as usual. */
  ids: string[];
}

export interface SchedulerEvents {
  published: [PublishedEvent];
  requeued: [RequeuedEvent];
  lost: [LostEvent];
  error: [Error];
  conflict: [ConflictEvent];
}

export type { ChangeSetInput };

/** What the recipe bridge gets from its scheduler (Scheduler.recipeIntake). */
export interface RecipeIntake {
  keys: HotconfKeys;
  /** schedule()'s checks (E_INVALID_ARGUMENT, E_PAYLOAD_TOO_LARGE): the change set, normalized. */
  check(change: ChangeSetInput, id: string, when: When): NormalizedChange[];
}
