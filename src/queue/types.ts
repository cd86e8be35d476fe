import type { Logger } from '../logger.js';
import type { RedisOption } from '../redis/connection.js';
import type { When } from './validate.js';

export interface DelayQueueOptions {
  /** An ioredis Redis or Cluster (left open by `close()`) or a redis:// URL (closed by `close()`). */
  redis: RedisOption;
  /** Namespace of the keys; becomes the hash tag `{prefix}`. */
  prefix: string;
  /** How long a claim holds its items before `reap()` may hand them to someone else. Default 30 s. */
  leaseMs?: number;
  /** Attempts before an item goes to dead (counted when a lease expires or an item is requeued). 0, the default, never gives up. */
  maxAttempts?: number;
  /** Largest payload accepted by `schedule()`, in bytes. Default 1 MiB (NSQ's default max message). */
  maxPayloadBytes?: number;
  /**
   * How long an id given to `schedule()` is remembered after its item was acked or cancelled, so that
   * scheduling it again changes nothing (ms). Default 7 days; 0 forgets it at once.
   */
  idRetentionMs?: number;
  /** pino-compatible logger (a warning when Redis may evict keys); silent by default. */
  logger?: Logger;
}

export interface ScheduleInput extends When {
  /**
   * Stable id; generated when absent. Scheduling an id that exists (pending, leased, or finished within
   * `idRetentionMs`) returns the stored item unchanged; a dead id is refused with E_DEAD.
   */
  id?: string;
  payload: string;
}

export interface ScheduledItem {
  id: string;
  /** Epoch ms, by the Redis server clock. */
  runAt: number;
  /** The stored payload: the existing one when `created` is false ('' once that item finished). */
  payload: string;
  /** False when the id already existed (nothing was changed). */
  created: boolean;
}

/** A reference to a lease: the item id and the fencing token of the claim that holds it. */
export interface LeaseRef {
  id: string;
  token: string;
}

export interface ClaimedItem extends LeaseRef {
  payload: string;
  runAt: number;
  /** 1 on the first claim, 2 after the item came back once, ... */
  attempt: number;
}

export interface ClaimResult {
  items: ClaimedItem[];
  /** Earliest run time still in the queue (due or not), or null when it is empty. */
  nextRunAt: number | null;
  /** The Redis server time of the claim; sleep for `nextRunAt - now`, never by the local clock. */
  now: number;
  /** Items this claim found unusable (payload vanished, not written by this queue) and moved to dead. */
  dead: ClaimedDeadItem[];
}

/** An item a claim moved to dead instead of leasing it, and why (as `dead()` lists it later). */
export interface ClaimedDeadItem {
  id: string;
  reason: string;
}

export interface DeadItem {
  id: string;
  /** '' when the payload had vanished. */
  payload: string;
  runAt: number;
  /** Failed attempts before it was given up. */
  attempts: number;
  /** When it was given up (epoch ms, Redis server clock). */
  diedAt: number;
  /** Why: attempts used up, payload vanished, not a stored item or change set, ... */
  reason: string;
}

export interface PendingItem {
  id: string;
  payload: string;
  runAt: number;
  /** Failed attempts so far. */
  attempts: number;
}

export interface QueueStats {
  /** Run time passed, not claimed. */
  due: number;
  /** Run time in the future. */
  scheduled: number;
  /** Claimed and not yet acked. */
  processing: number;
  dead: number;
  /** How long the oldest due item has waited (ms), 0 when none is due. */
  oldestDueLagMs: number;
}
