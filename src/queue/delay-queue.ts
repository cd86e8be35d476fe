import { HotconfError, invalidArgument } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { connectRedis, releaseRedis, type RedisClient, type RedisConnection } from '../redis/connection.js';
import { hotconfKeys, type HotconfKeys } from '../redis/keys.js';
import { ensureLayout } from '../redis/layout.js';
import { runScript, type ScriptName } from '../redis/scripts.js';
import { checkRedisServer } from '../redis/server-check.js';
import { parseClaimReply, parseDeadItems, parseItemTriples, parseStoredItem } from './stored-item.js';
import type {
  ClaimResult,
  DeadItem,
  DelayQueueOptions,
  LeaseRef,
  PendingItem,
  QueueStats,
  ScheduledItem,
  ScheduleInput,
} from './types.js';
import {
  assertId,
  assertNonNegativeInteger,
  assertOptionalObject,
  assertPayload,
  assertPositiveInteger,
  resolveWhen,
  type When,
} from './validate.js';
import { generateId } from './generate-id.js';

/** Most items one claim, ack, extend or requeue call sends to Redis (Lua's unpack has a limit). */
export const MAX_BATCH = 1000;
const DEFAULT_LEASE_MS = 30_000;
const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;
const DEFAULT_ID_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Internal: the scheduler's queue holds change sets. Its schedule draws each one's seq (payloads are
 * change sets without their "<seq>;", src/config/change-set-codec.ts), and its claim also applies them
 * to the snapshot, so from then on they are in effect: given back (requeue, reap) they await
 * republish, never pending again.
 */
export interface DelayQueueInternals {
  claimScript?: Extract<ScriptName, 'claim' | 'claimChanges'>;
}

/** What ack, extend or requeue did: how many leases the tokens still held, and the ids of those they did not. */
export interface LeaseOutcome {
  matched: number;
  lostIds: string[];
}

/** Counts of a queue, with the scheduler's change sets in effect that await republish. */
export interface QueueCounts extends QueueStats {
  awaitingPublish: number;
}

/**
 * A Redis delay queue with leases. Items become due at their run time (Redis server clock); `claim`
 * leases them atomically to one holder; `ack` finishes them. A holder that dies leaves its lease to
 * expire, and `reap` hands the items back. Every lease carries a fencing token.
 */
export class DelayQueue {
  readonly keys: HotconfKeys;
  readonly leaseMs: number;
  readonly maxAttempts: number;
  readonly maxPayloadBytes: number;
  readonly idRetentionMs: number;
  private readonly connection: RedisConnection;
  private readonly claimScript: Extract<ScriptName, 'claim' | 'claimChanges'>;
  /** Where given-back items go, and whether a finished id's record keeps the change set's seq. */
  private readonly holdsChangeSets: boolean;
  private readonly logger: Logger;
  private closed = false;

  constructor(options: DelayQueueOptions & DelayQueueInternals) {
    if (typeof options !== 'object' || options === null) throw invalidArgument('options are required');
    this.keys = hotconfKeys(options.prefix);
    this.leaseMs = assertPositiveInteger(options.leaseMs ?? DEFAULT_LEASE_MS, 'leaseMs');
    this.maxAttempts = assertNonNegativeInteger(options.maxAttempts ?? 0, 'maxAttempts');
    this.maxPayloadBytes = assertPositiveInteger(
      options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
      'maxPayloadBytes',
    );
    this.idRetentionMs = assertNonNegativeInteger(
      options.idRetentionMs ?? DEFAULT_ID_RETENTION_MS,
      'idRetentionMs',
    );
    this.claimScript = options.claimScript ?? 'claim';
    this.holdsChangeSets = this.claimScript === 'claimChanges';
    this.logger = options.logger ?? silentLogger;
    this.connection = connectRedis(options.redis);
  }

  /** The connection the queue runs on (the app's own when it passed one in). */
  get redis(): RedisClient {
    return this.connection.client;
  }

  /**
   * Stores an item. A repeated id (pending, leased, or finished within `idRetentionMs`) changes nothing
   * and returns what is stored, with `created: false`; a dead id is refused with E_DEAD.
   */
  async schedule(input: ScheduleInput): Promise<ScheduledItem> {
    this.assertOpen();
    if (typeof input !== 'object' || input === null) throw invalidArgument('schedule needs { payload }');
    const id = input.id ?? generateId();
    assertId(id);
    assertPayload(input.payload, this.maxPayloadBytes);
    const runTime = resolveWhen(input);
    const reply = (await this.run('schedule', [
      id,
      input.payload,
      runTime.mode,
      runTime.ms,
      this.keys.wakeChannel,
      input.id === undefined ? '0' : '1',
      this.keepsSeqArg(),
    ])) as [number, string, string?];
    if (reply[0] === 2) {
      throw new HotconfError('E_DEAD', `id ${id} is dead (${reply[2]}): retryDead() or purgeDead() it first`);
    }
    return { id, ...parseStoredItem(reply[1]), created: reply[0] === 1 };
  }

  /**
   * Leases up to `max` due items (1..1000) for `leaseMs`, in one round trip. Items it cannot use
   * (payload vanished, not written by this queue) go to dead, listed in `dead`.
   */
  async claim(options?: { max?: number }): Promise<ClaimResult> {
    this.assertOpen();
    const max = assertOptionalObject(options, 'claim options')?.max ?? 1;
    assertPositiveInteger(max, 'max', MAX_BATCH);
    return parseClaimReply(
      (await this.run(this.claimScript, [max, this.leaseMs, this.idRetentionMs])) as unknown[],
    );
  }

  /** Finishes leased items whose token still matches. Returns how many were acked (each once). */
  async ack(items: LeaseRef | readonly LeaseRef[]): Promise<number> {
    return (await this.ackLeases(items)).matched;
  }

  /** @internal ack(), also naming the ids it did not ack because their lease was lost (the scheduler's `lost`). */
  async ackLeases(items: LeaseRef | readonly LeaseRef[]): Promise<LeaseOutcome> {
    return this.leaseOperation('ack', [this.idRetentionMs, this.keepsSeqArg()], items);
  }

  /** Pushes the lease deadline to now + `leaseMs` (default: the queue's). Returns how many matched. */
  async extend(items: LeaseRef | readonly LeaseRef[], leaseMs = this.leaseMs): Promise<number> {
    assertPositiveInteger(leaseMs, 'leaseMs');
    return (await this.leaseOperation('extend', [leaseMs], items)).matched;
  }

  /**
   * Gives leased items back, due again after `delayMs`; counts a failed attempt. (The scheduler's change
   * sets, in effect already, go to republish instead of due.)
   */
  async requeue(items: LeaseRef | readonly LeaseRef[], options?: { delayMs?: number }): Promise<number> {
    return (await this.requeueLeases(items, options)).matched;
  }

  /** @internal requeue(), also naming the ids it did not give back because their lease was lost. */
  async requeueLeases(
    items: LeaseRef | readonly LeaseRef[],
    options?: { delayMs?: number },
  ): Promise<LeaseOutcome> {
    const delay = resolveWhen({ delayMs: assertOptionalObject(options, 'requeue options')?.delayMs ?? 0 });
    return this.leaseOperation(
      'requeue',
      [delay.ms, this.maxAttempts, this.keys.wakeChannel, this.giveBackTo()],
      items,
    );
  }

  /**
   * Hands items whose lease expired back to due (the scheduler's change sets to republish), or to dead
   * after maxAttempts. Returns how many.
   */
  async reap(): Promise<number> {
    this.assertOpen();
    let total = 0;
    for (;;) {
      const [reaped] = (await this.run('reap', [
        this.maxAttempts,
        MAX_BATCH,
        this.keys.wakeChannel,
        this.giveBackTo(),
      ])) as [number];
      total += reaped;
      if (reaped < MAX_BATCH) return total;
    }
  }

  /** Removes a pending item. False when it is unknown, leased, dead or done. */
  async cancel(id: string): Promise<boolean> {
    this.assertOpen();
    assertId(id);
    return (await this.run('cancel', [id, this.idRetentionMs, this.keepsSeqArg()])) === 1;
  }

  /** Moves a pending item to a new run time; null when it is not pending (unknown, leased, dead or done). */
  async reschedule(id: string, when: When): Promise<{ id: string; runAt: number; payload: string } | null> {
    this.assertOpen();
    assertId(id);
    const runTime = resolveWhen(when, { required: true });
    const stored = await this.run('reschedule', [id, runTime.mode, runTime.ms, this.keys.wakeChannel]);
    return typeof stored === 'string' ? { id, ...parseStoredItem(stored) } : null;
  }

  /** The earliest pending items, due or not, without claiming them. */
  async peek(options?: { limit?: number }): Promise<PendingItem[]> {
    this.assertOpen();
    const limit = assertOptionalObject(options, 'peek options')?.limit ?? 100;
    assertPositiveInteger(limit, 'limit', MAX_BATCH);
    const reply = (await this.run('peek', [limit])) as unknown[];
    return parseItemTriples(reply, 0);
  }

  /** The items given up, earliest first, with why (up to `limit`, 1..1000). */
  async dead(options?: { limit?: number }): Promise<DeadItem[]> {
    this.assertOpen();
    const limit = assertOptionalObject(options, 'dead options')?.limit ?? 100;
    assertPositiveInteger(limit, 'limit', MAX_BATCH);
    return parseDeadItems((await this.run('dead', [limit])) as unknown[]);
  }

  /** Makes dead items pending again, due now. Returns how many (ids not dead or without payload are skipped). */
  async retryDead(ids: readonly string[]): Promise<number> {
    this.assertOpen();
    if (!Array.isArray(ids)) throw invalidArgument('retryDead needs an array of ids');
    for (const id of ids) assertId(id);
    let retried = 0;
    for (let start = 0; start < ids.length; start += MAX_BATCH) {
      const slice = ids.slice(start, start + MAX_BATCH);
      retried += Number(await this.run('retryDead', [this.keys.wakeChannel, ...slice]));
    }
    return retried;
  }

  /** Removes every dead item (payload, reason, retained id), so its id can be used again. Returns how many. */
  async purgeDead(): Promise<number> {
    this.assertOpen();
    let total = 0;
    for (;;) {
      const purged = Number(await this.run('purgeDead', [MAX_BATCH]));
      total += purged;
      if (purged < MAX_BATCH) return total;
    }
  }

  async stats(): Promise<QueueStats> {
    const { awaitingPublish: _, ...stats } = await this.counts();
    return stats;
  }

  /** stats() and the count of change sets in effect awaiting republish (the scheduler's). */
  async counts(): Promise<QueueCounts> {
    this.assertOpen();
    const [due, scheduled, processing, dead, now, earliest, awaitingPublish] = (
      (await this.run('stats', [])) as unknown[]
    ).map(Number) as number[];
    const oldestDueLagMs = due! > 0 ? now! - earliest! : 0;
    return {
      due: due!,
      scheduled: scheduled!,
      processing: processing!,
      dead: dead!,
      oldestDueLagMs,
      awaitingPublish: awaitingPublish!,
    };
  }

  /** Stops accepting calls; closes the Redis connection only when the queue opened it from a URL. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await releaseRedis(this.connection);
  }

  private giveBackTo(): 'due' | 'republish' {
    return this.holdsChangeSets ? 'republish' : 'due';
  }

  /** The scripts' flag for a finished id's record: '1' keeps the change set's seq. */
  private keepsSeqArg(): '1' | '0' {
    return this.holdsChangeSets ? '1' : '0';
  }

  private async leaseOperation(
    script: Extract<ScriptName, 'ack' | 'extend' | 'requeue'>,
    leadingArgs: readonly (string | number)[],
    items: LeaseRef | readonly LeaseRef[],
  ): Promise<LeaseOutcome> {
    this.assertOpen();
    const refs = toLeaseRefs(items);
    const lostIds: string[] = [];
    for (let start = 0; start < refs.length; start += MAX_BATCH) {
      const pairs = refs.slice(start, start + MAX_BATCH).flatMap((ref) => [ref.id, ref.token]);
      // The scripts reply with the ids whose lease the token no longer holds: usually none.
      lostIds.push(...((await this.run(script, [...leadingArgs, ...pairs])) as string[]));
    }
    return { matched: refs.length - lostIds.length, lostIds };
  }

  /** Runs a script, after checking the server and the prefix's layout once per connection. */
  private async run(script: ScriptName, args: readonly (string | number)[]): Promise<unknown> {
    const redis = this.connection.client;
    try {
      await checkRedisServer(redis, this.logger);
      await ensureLayout(redis, this.keys);
      return await runScript(redis, script, this.keys.all, args);
    } catch (error) {
      if (error instanceof HotconfError) throw error;
      throw new HotconfError('E_REDIS', `Redis script ${script} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new HotconfError('E_CLOSED', 'the delay queue is closed');
  }
}

/** Validated lease refs, each pair once (so ack([x, x]) counts 1, even across batches). */
function toLeaseRefs(items: LeaseRef | readonly LeaseRef[]): LeaseRef[] {
  const list = Array.isArray(items) ? (items as readonly LeaseRef[]) : [items as LeaseRef];
  const refs = list.map((item, index) => {
    if (typeof item !== 'object' || item === null) {
      throw new HotconfError('E_INVALID_ARGUMENT', `item ${index} must be an object with id and token`);
    }
    assertId(item.id);
    if (typeof item.token !== 'string' || item.token.length === 0) {
      throw new HotconfError('E_INVALID_ARGUMENT', `item ${item.id} has no lease token`);
    }
    return { id: item.id, token: item.token };
  });
  const unique = new Map(refs.map((ref) => [`${ref.token}|${ref.id}`, ref]));
  return [...unique.values()];
}

export function createDelayQueue(options: DelayQueueOptions): DelayQueue {
  return new DelayQueue(options);
}
