import { HotconfError } from '../errors.js';
import { connectRedis, releaseRedis, type RedisClient, type RedisConnection } from '../redis/connection.js';
import { hotconfKeys, type HotconfKeys } from '../redis/keys.js';
import { runScript, type ScriptName } from '../redis/scripts.js';
import { parseItemTriples, parseStoredItem } from './stored-item.js';
import type {
  ClaimResult,
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

/** Internal: the scheduler claims with a script that also applies change sets to the snapshot. */
export interface DelayQueueInternals {
  claimScript?: Extract<ScriptName, 'claim' | 'claimChanges'>;
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
  private readonly connection: RedisConnection;
  private readonly claimScript: Extract<ScriptName, 'claim' | 'claimChanges'>;
  private closed = false;

  constructor(options: DelayQueueOptions & DelayQueueInternals) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options are required');
    this.keys = hotconfKeys(options.prefix);
    this.leaseMs = assertPositiveInteger(options.leaseMs ?? DEFAULT_LEASE_MS, 'leaseMs');
    this.maxAttempts = assertNonNegativeInteger(options.maxAttempts ?? 0, 'maxAttempts');
    this.maxPayloadBytes = assertPositiveInteger(
      options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
      'maxPayloadBytes',
    );
    this.claimScript = options.claimScript ?? 'claim';
    this.connection = connectRedis(options.redis);
  }

  /** The connection the queue runs on (the app's own when it passed one in). */
  get redis(): RedisClient {
    return this.connection.client;
  }

  async schedule(input: ScheduleInput): Promise<ScheduledItem> {
    this.assertOpen();
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
    ])) as [number, string];
    return { id, ...parseStoredItem(reply[1]), created: reply[0] === 1 };
  }

  /** Leases up to `max` due items (1..1000) for `leaseMs`, in one round trip. */
  async claim({ max = 1 }: { max?: number } = {}): Promise<ClaimResult> {
    this.assertOpen();
    assertPositiveInteger(max, 'max', MAX_BATCH);
    const reply = (await this.run(this.claimScript, [max, this.leaseMs])) as unknown[];
    const nextRunAt = Number(reply[1]);
    const token = String(reply[2]);
    const items = parseItemTriples(reply, 3).map(({ id, runAt, payload, attempts }) => ({
      id,
      runAt,
      payload,
      attempt: attempts + 1,
      token,
    }));
    return { items, nextRunAt: nextRunAt < 0 ? null : nextRunAt, now: Number(reply[0]) };
  }

  /** Finishes leased items whose token still matches. Returns how many were acked. */
  async ack(items: LeaseRef | readonly LeaseRef[]): Promise<number> {
    return this.leaseOperation('ack', [], items);
  }

  /** Pushes the lease deadline to now + `leaseMs` (default: the queue's). Returns how many matched. */
  async extend(items: LeaseRef | readonly LeaseRef[], leaseMs = this.leaseMs): Promise<number> {
    assertPositiveInteger(leaseMs, 'leaseMs');
    return this.leaseOperation('extend', [leaseMs], items);
  }

  /** Gives leased items back, due again after `delayMs`; counts a failed attempt. */
  async requeue(
    items: LeaseRef | readonly LeaseRef[],
    { delayMs = 0 }: { delayMs?: number } = {},
  ): Promise<number> {
    const delay = resolveWhen({ delayMs });
    return this.leaseOperation('requeue', [delay.ms, this.maxAttempts, this.keys.wakeChannel], items);
  }

  /** Hands items whose lease expired back to due (or to dead after maxAttempts). Returns how many. */
  async reap(): Promise<number> {
    this.assertOpen();
    let total = 0;
    for (;;) {
      const [reaped] = (await this.run('reap', [this.maxAttempts, MAX_BATCH, this.keys.wakeChannel])) as [
        number,
      ];
      total += reaped;
      if (reaped < MAX_BATCH) return total;
    }
  }

  /** Removes a pending item. False when it is unknown, leased, dead or done. */
  async cancel(id: string): Promise<boolean> {
    this.assertOpen();
    assertId(id);
    return (await this.run('cancel', [id])) === 1;
  }

  /** Moves a pending item to a new run time; null when it is not pending (unknown, leased or done). */
  async reschedule(id: string, when: When): Promise<{ id: string; runAt: number; payload: string } | null> {
    this.assertOpen();
    assertId(id);
    const runTime = resolveWhen(when);
    const stored = await this.run('reschedule', [id, runTime.mode, runTime.ms, this.keys.wakeChannel]);
    return typeof stored === 'string' ? { id, ...parseStoredItem(stored) } : null;
  }

  /** The earliest pending items, due or not, without claiming them. */
  async peek({ limit = 100 }: { limit?: number } = {}): Promise<PendingItem[]> {
    this.assertOpen();
    assertPositiveInteger(limit, 'limit', MAX_BATCH);
    const reply = (await this.run('peek', [limit])) as unknown[];
    return parseItemTriples(reply, 0);
  }

  async stats(): Promise<QueueStats> {
    this.assertOpen();
    const [due, scheduled, processing, dead, now, earliest] = (await this.run('stats', [])) as number[];
    const oldestDueLagMs = due! > 0 ? now! - earliest! : 0;
    return { due: due!, scheduled: scheduled!, processing: processing!, dead: dead!, oldestDueLagMs };
  }

  /** Stops accepting calls; closes the Redis connection only when the queue opened it from a URL. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await releaseRedis(this.connection);
  }

  private async leaseOperation(
    script: Extract<ScriptName, 'ack' | 'extend' | 'requeue'>,
    leadingArgs: readonly (string | number)[],
    items: LeaseRef | readonly LeaseRef[],
  ): Promise<number> {
    this.assertOpen();
    const refs = toLeaseRefs(items);
    let matched = 0;
    for (let start = 0; start < refs.length; start += MAX_BATCH) {
      const pairs = refs.slice(start, start + MAX_BATCH).flatMap((ref) => [ref.id, ref.token]);
      matched += Number(await this.run(script, [...leadingArgs, ...pairs]));
    }
    return matched;
  }

  private async run(script: ScriptName, args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await runScript(this.connection.client, script, this.keys.all, args);
    } catch (error) {
      throw new HotconfError('E_REDIS', `Redis script ${script} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new HotconfError('E_CLOSED', 'the delay queue is closed');
  }
}

function toLeaseRefs(items: LeaseRef | readonly LeaseRef[]): LeaseRef[] {
  const list = Array.isArray(items) ? (items as readonly LeaseRef[]) : [items as LeaseRef];
  return list.map((item, index) => {
    if (typeof item !== 'object' || item === null) {
      throw new HotconfError('E_INVALID_ARGUMENT', `item ${index} must be an object with id and token`);
    }
    assertId(item.id);
    if (typeof item.token !== 'string' || item.token.length === 0) {
      throw new HotconfError('E_INVALID_ARGUMENT', `item ${item.id} has no lease token`);
    }
    return { id: item.id, token: item.token };
  });
}

export function createDelayQueue(options: DelayQueueOptions): DelayQueue {
  return new DelayQueue(options);
}
