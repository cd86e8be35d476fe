import { hostname } from 'node:os';
import type { RedisClient } from '../redis/connection.js';
import type { HotconfKeys } from '../redis/keys.js';
import { encodeInstanceRecord, instanceMember } from './instance-record.js';
import { LIBRARY_VERSION } from './library-version.js';
import type { ResolvedReportOptions } from './report-options.js';

/** What the subscriber holds now, read at each report. */
export interface InstanceState {
  revision: number;
  stale: boolean;
}

export interface FleetReporterOptions extends ResolvedReportOptions {
  redis: RedisClient;
  keys: HotconfKeys;
  service: string;
  instanceId: string;
  read: () => InstanceState;
  onError: (error: Error) => void;
}

interface Receipt {
  appliedAt: number;
  effectiveAt: number;
}

/**
 * Reports one subscriber instance to Redis: its record (with a TTL of 3 report intervals, so an
 * instance that stops reporting leaves the fleet by itself) and the receipts gathered since the last
 * report. One MULTI per interval whatever the change rate: the receipts go in variadic commands, so
 * the number of commands per report does not grow with the changes either. Receipts wait in memory
 * (at most `maxReceipts`, the oldest dropped first) until a report carries them.
 */
export class FleetReporter {
  private readonly member: string;
  private readonly host = hostname();
  private readonly gathered = new Map<string, Receipt>();
  private lastChangeId: string | null = null;
  private lastAppliedAt: number | null = null;
  private readyAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private reporting: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: FleetReporterOptions) {
    this.member = instanceMember(options.service, options.instanceId);
  }

  /** The instance applied change set `id` (or found it superseded by what it holds). */
  applied(id: string, effectiveAt: number, appliedAt = Date.now()): void {
    this.lastChangeId = id;
    this.lastAppliedAt = appliedAt;
    if (this.gathered.has(id)) return; // a repeat: the first time is the one that counts
    if (this.gathered.size >= this.options.maxReceipts) {
      this.gathered.delete(this.gathered.keys().next().value as string);
    }
    this.gathered.set(id, { appliedAt, effectiveAt });
  }

  /** Reports now (the instance has its first config), then every interval. */
  start(): void {
    if (this.stopped || this.readyAt !== 0) return;
    this.readyAt = Date.now();
    this.tick();
  }

  /** Stops reporting and takes the instance out of the fleet at once (its receipts stay until they expire). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    await this.reporting;
    if (this.readyAt === 0) return;
    const { redis, keys } = this.options;
    await redis
      .multi()
      .del(keys.instance(this.member))
      .zrem(keys.fleet, this.member)
      .exec()
      .catch((error: Error) => this.options.onError(error));
  }

  // The next report is due one interval after this one started, and never before it finished: at most
  // one round trip per interval, even when Redis is slow.
  private tick(): void {
    const startedAt = Date.now();
    this.reporting = this.report()
      .catch((error: Error) => this.options.onError(error))
      .finally(() => {
        this.reporting = undefined;
        if (this.stopped) return;
        const waitMs = Math.max(0, this.options.intervalMs - (Date.now() - startedAt));
        this.timer = setTimeout(() => this.tick(), waitMs).unref();
      });
  }

  private async report(): Promise<void> {
    const { redis, keys, intervalMs, retentionMs, maxReceipts } = this.options;
    const now = Date.now();
    const receipts = [...this.gathered];
    const state = this.options.read();
    const record = encodeInstanceRecord({
      service: this.options.service,
      instanceId: this.options.instanceId,
      host: this.host,
      pid: process.pid,
      version: LIBRARY_VERSION,
      revision: state.revision,
      lastChangeId: this.lastChangeId,
      lastAppliedAt: this.lastAppliedAt,
      stale: state.stale,
      reportedAt: now,
      readyAt: this.readyAt,
    });
    const instanceKey = keys.instance(this.member);
    const horizon = now - retentionMs;
    const transaction = redis
      .multi()
      .hset(instanceKey, record)
      .pexpire(instanceKey, 3 * intervalMs)
      .zadd(keys.fleet, now, this.member)
      .zremrangebyscore(keys.fleet, '-inf', `(${horizon}`);
    if (receipts.length > 0) {
      const receiptsKey = keys.receipts(this.member);
      transaction
        .zadd(receiptsKey, 'NX', ...receipts.flatMap(([id, { appliedAt }]) => [appliedAt, id]))
        .zremrangebyscore(receiptsKey, '-inf', `(${horizon}`)
        .zremrangebyrank(receiptsKey, 0, -(maxReceipts + 1))
        .pexpire(receiptsKey, retentionMs)
        .zadd(keys.fleetEffective, ...receipts.flatMap(([id, { effectiveAt }]) => [effectiveAt, id]))
        .zremrangebyscore(keys.fleetEffective, '-inf', `(${horizon}`)
        .zremrangebyrank(keys.fleetEffective, 0, -(maxReceipts + 1));
    }
    const replies = await transaction.exec();
    for (const [error] of replies ?? []) if (error) throw error;
    // Only what this report carried: receipts gathered while it was in flight wait for the next.
    for (const [id] of receipts) this.gathered.delete(id);
  }
}
