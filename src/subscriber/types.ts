import type { FleetReportOptions } from '../fleet/types.js';
import type { Logger } from '../logger.js';
import type { RedisOption } from '../redis/connection.js';
import type { FrozenConfig } from './config-state.js';

export interface ConfigSubscriberOptions extends FleetReportOptions {
  /** An ioredis Redis or Cluster (left open by `close()`) or a redis:// URL. */
  redis: RedisOption;
  /** nsqd TCP address(es) `'host:port'` to read from. Give this or `lookupd`. */
  nsqd?: string | readonly string[];
  /**
   * nsqd HTTP address(es), in the order of `nsqd`, used by `close()` to delete the channel. Default: each
   * nsqd's TCP port + 1 (nsqd's own defaults are 4150 and 4151).
   */
  nsqdHttp?: string | readonly string[];
  /** nsqlookupd HTTP address(es) (`'host:port'` or a URL) that find the nsqds holding the topic. */
  lookupd?: string | readonly string[];
  /** NSQ topic the scheduler publishes to. */
  topic: string;
  /** Namespace of the Redis keys, the scheduler's `prefix`. */
  prefix: string;
  /** Name of the service; with the instance id it names this instance's ephemeral channel. */
  service: string;
  /** Unique per running instance. Default: host name, pid and a random suffix. */
  instanceId?: string;
  /**
   * Called with the config a change would produce. When it throws or returns false the change set is
   * held back: its keys keep their last accepted value, later changes to other keys still go in, and a
   * `rejected` event says why. A snapshot is checked by change set (see the README). Each change set costs
   * a copy of the config when given.
   */
  validate?: (nextConfig: FrozenConfig) => boolean | void;
  /** How often the snapshot revision is checked, reloading the snapshot when it moved. Default 30 s. */
  reconcileMs?: number;
  /** A `stale` event is emitted once the config has not been confirmed by Redis for this long. Default 3 × reconcileMs. */
  staleAfterMs?: number;
  /** While the snapshot cannot be loaded (Redis down at start, or serving the backup), how often to retry. Default 1 s. */
  retryMs?: number;
  /** How long a Redis read may take before it counts as failed. Default 2 s. */
  redisTimeoutMs?: number;
  /** How long the start waits for the NSQ subscription before loading the snapshot anyway. Default 2 s. */
  connectTimeoutMs?: number;
  /** How often a lost nsqd connection is retried (and nsqlookupd polled), at least 1000. Default 5 s. */
  nsqReconnectMs?: number;
  /** Messages nsqd may send before they are finished, 1 to 2500 (nsqd's default --max-rdy-count). Default 1000. */
  maxInFlight?: number;
  /** The last good config is kept in this file, and served by `ready()` when Redis is down at start. */
  backupFile?: string;
  /** Changes within this time are written to the backup file together. Default 1 s. */
  backupDelayMs?: number;
  /**
   * Messages that arrive before the first config is loaded wait in memory, up to this many bytes of
   * message bodies; past it the oldest are dropped (the snapshot, read after them, holds their changes).
   * Default 16 MiB.
   */
  startupBufferBytes?: number;
  /** pino-compatible logger; silent by default. */
  logger?: Logger;
}

/** Where the config in memory came from: nowhere yet, the backup file, or the Redis snapshot. */
export type ConfigSource = 'none' | 'backup' | 'redis';

export interface ReadyResult {
  source: Exclude<ConfigSource, 'none'>;
  revision: number;
}

export interface ChangeEvent {
  key: string;
  oldValue: unknown;
  /** undefined when the key was deleted. */
  newValue: unknown;
  /** The change set's id; null when the change came from a snapshot reload or the backup file. */
  id: string | null;
  effectiveAt: number;
}

export interface RejectedEvent {
  /** The change set's id; null for a snapshot reload or the backup file. */
  id: string | null;
  /**
   * The keys the refused change would have set or deleted: held back at their last accepted value. Empty
   * when validate refused the empty config a new instance starts with.
   */
  keys: string[];
  /** Every key held back in this instance now (this refusal's and earlier ones'), sorted. */
  heldBack: string[];
  /** What validate threw, or an E_REJECTED HotconfError when it returned false. */
  reason: Error;
}

export interface StaleEvent {
  /** When Redis last confirmed the config (epoch ms); undefined if it never did. */
  lastRefreshedAt: number | undefined;
  source: ConfigSource;
}

export interface SubscriberStats {
  /** Change sets from NSQ that changed the config. */
  applied: number;
  /** Change sets from NSQ that were older than, or repeats of, what was held. */
  dropped: number;
  /** Messages that were not an envelope v1. */
  malformed: number;
  /** Change sets (from NSQ, or a snapshot's part of one) that validate refused, each counted once. */
  rejected: number;
  /** Messages dropped from the start-up buffer because it was full (the snapshot holds their changes). */
  bufferDropped: number;
  /** Snapshot reloads from Redis. */
  reloads: number;
}

/** A change set from NSQ that changed the config. */
export interface AppliedEvent {
  id: string;
  effectiveAt: number;
  /** When this instance applied it (epoch ms, its clock); lagMs = appliedAt - effectiveAt. */
  appliedAt: number;
  lagMs: number;
}

export type SubscriberEvents = {
  applied: [AppliedEvent];
  change: [ChangeEvent];
  rejected: [RejectedEvent];
  stale: [StaleEvent];
  error: [Error];
} & { [event: `change:${string}`]: [ChangeEvent] };
