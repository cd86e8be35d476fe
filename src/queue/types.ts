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
}

export interface ScheduleInput extends When {
  /** Stable id; generated when absent. Scheduling an id that exists returns the stored item unchanged. */
  id?: string;
  payload: string;
}

export interface ScheduledItem {
  id: string;
  /** Epoch ms, by the Redis server clock. */
  runAt: number;
  /** The stored payload: the existing one when `created` is false. */
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
