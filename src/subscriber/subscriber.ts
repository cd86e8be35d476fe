import { EventEmitter } from 'node:events';
import { parseEnvelope, type Envelope } from '../config/envelope.js';
import { FleetReporter } from '../fleet/reporter.js';
import { resolveReportOptions } from '../fleet/report-options.js';
import { readRevision, readSnapshot, type ConfigSnapshot } from '../config/snapshot.js';
import { HotconfError } from '../errors.js';
import type { Logger } from '../logger.js';
import { connectRedis, releaseRedis, type RedisConnection } from '../redis/connection.js';
import { hotconfKeys, type HotconfKeys } from '../redis/keys.js';
import { BackupFile } from './backup-file.js';
import {
  ConfigState,
  updatesFromEnvelope,
  updatesFromSnapshot,
  type FrozenConfig,
  type KeyUpdate,
} from './config-state.js';
import { NsqSubscription } from './nsq-subscription.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import type {
  ConfigSource,
  ConfigSubscriberOptions,
  ReadyResult,
  SubscriberEvents,
  SubscriberStats,
} from './types.js';
import { withTimeout } from './with-timeout.js';

const DEFAULT_READY_TIMEOUT_MS = 10_000;

/**
 * A service's config in memory, kept current by the scheduler's NSQ messages and by the Redis snapshot.
 *
 * Start: subscribe this instance's own ephemeral channel and buffer what arrives, load the snapshot,
 * then apply the buffer, so no change falls between the two. After that every change set is applied
 * in version order (per key the greatest `(effectiveAt, seq)` wins; older and repeated ones are dropped)
 * and the revision of the snapshot is checked every `reconcileMs`, reloading it when it moved, which
 * repairs whatever NSQ did not deliver. The same check runs on every NSQ (re)subscription.
 */
export class ConfigSubscriber extends EventEmitter<SubscriberEvents> {
  /** This instance's NSQ channel, `<service>.<instance id>#ephemeral`. */
  readonly channel: string;
  /** Counters since start; read them, do not change them. */
  readonly stats: SubscriberStats = { applied: 0, dropped: 0, malformed: 0, rejected: 0, reloads: 0 };

  private readonly options: ResolvedOptions;
  private readonly logger: Logger;
  private readonly redis: RedisConnection;
  private readonly keys: HotconfKeys;
  private readonly state = new ConfigState();
  private readonly subscription: NsqSubscription;
  private readonly backup: BackupFile | undefined;
  private readonly reporter: FleetReporter | undefined;
  private currentSource: ConfigSource = 'none';
  /** Envelopes received before the first config was loaded. */
  private buffered: Envelope[] = [];
  private readonly loaded: Promise<void>;
  private settleLoaded!: (error?: Error) => void;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly startedAt = Date.now();
  private lastRefreshedAt: number | undefined;
  private staleReported = false;
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(options: ConfigSubscriberOptions) {
    super();
    this.options = resolveOptions(options);
    this.logger = this.options.logger;
    this.channel = this.options.channel;
    this.keys = hotconfKeys(this.options.prefix);
    const report = resolveReportOptions(options);
    this.redis = connectRedis(options.redis);
    this.reporter =
      report &&
      new FleetReporter({
        ...report,
        redis: this.redis.client,
        keys: this.keys,
        service: this.options.service,
        instanceId: this.options.instanceId,
        read: () => ({ revision: this.state.revision, stale: this.stale }),
        onError: (error) => this.reportError(error),
      });
    const { topic, nsqd, lookupd, nsqReconnectMs, maxInFlight, backupFile, backupDelayMs } = this.options;
    this.subscription = new NsqSubscription({
      topic,
      channel: this.channel,
      nsqd,
      lookupd,
      reconnectMs: nsqReconnectMs,
      maxInFlight,
      onMessage: (body) => this.receive(body),
      onSubscribed: () => this.onSubscribed(),
      onError: (error) => this.reportError(error),
    });
    this.backup =
      backupFile === undefined
        ? undefined
        : new BackupFile({
            path: backupFile,
            delayMs: backupDelayMs,
            read: () => this.state.toSnapshot(),
            onError: (error) => this.reportError(error),
          });
    this.loaded = new Promise((resolve, reject) => {
      this.settleLoaded = (error) => (error ? reject(error) : resolve());
    });
    this.loaded.catch(() => {}); // rejected by close(); only ready() callers need to hear of it
    void this.start();
  }

  /** Where the config in memory came from: 'none' before ready, 'backup' while Redis is unreachable. */
  get source(): ConfigSource {
    return this.currentSource;
  }

  /** True once the config has not been confirmed by Redis for `staleAfterMs` (the `stale` event), until it is. */
  get stale(): boolean {
    return this.staleReported;
  }

  /** The revision of the last snapshot loaded (or of the backup served). */
  get revision(): number {
    return this.state.revision;
  }

  /**
   * Resolves once a config is in memory: the snapshot from Redis, or the backup file when Redis could not
   * be reached. Rejects with E_TIMEOUT after `timeoutMs` (default 10 s; the subscriber keeps trying) and
   * with E_CLOSED when closed.
   */
  async ready({ timeoutMs = DEFAULT_READY_TIMEOUT_MS }: { timeoutMs?: number } = {}): Promise<ReadyResult> {
    if (this.closed) throw closedError();
    await withTimeout(
      this.loaded,
      timeoutMs,
      `no config loaded within ${timeoutMs} ms (Redis unreachable and no backup file?)`,
    );
    return { source: this.currentSource as ReadyResult['source'], revision: this.state.revision };
  }

  /** The key's value, or `fallback` when the key is absent. The type is not checked: `validate` can. */
  get(key: string): unknown;
  get<T>(key: string, fallback: T): T;
  get(key: string, fallback?: unknown): unknown {
    const value = this.state.get(key);
    return value === undefined ? fallback : value;
  }

  /** The whole config: a frozen object, replaced (never changed) by each change set. */
  getAll(): FrozenConfig {
    return this.state.getAll();
  }

  /** Leaves the NSQ channel (and deletes it), writes the backup and closes the Redis connection if it was a URL. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.refreshTimer);
    this.settleLoaded(closedError());
    await this.reporter?.stop();
    await this.subscription.close();
    await this.backup?.flush();
    await releaseRedis(this.redis);
  }

  private async start(): Promise<void> {
    this.subscription.start();
    const subscribed = await this.subscription.whenSubscribed(this.options.connectTimeoutMs);
    if (!subscribed) {
      this.logger.warn(
        { topic: this.options.topic, channel: this.channel },
        'hotconf: NSQ not subscribed yet; loading the snapshot anyway, the subscription will reconcile',
      );
    }
    if (!this.closed) await this.refresh();
  }

  private onSubscribed(): void {
    this.logger.debug({ channel: this.channel }, 'hotconf: subscribed');
    // Whatever was published while this channel did not exist is in the snapshot: check it now. Before
    // the first load starts there is nothing to check: that load will see it.
    if (this.currentSource !== 'none' || this.refreshing) void this.refresh();
  }

  private receive(body: string): void {
    if (this.closed) return;
    let envelope: Envelope;
    try {
      envelope = parseEnvelope(body);
    } catch (error) {
      this.stats.malformed += 1;
      this.reportError(error as Error);
      return;
    }
    if (this.currentSource === 'none') this.buffered.push(envelope);
    else this.applyEnvelope(envelope);
  }

  private applyEnvelope(envelope: Envelope): void {
    const updates = this.state.newer(updatesFromEnvelope(envelope));
    const { id, effectiveAt } = envelope;
    if (updates.length === 0) {
      // Every key is held at this version or a newer one: applied before, or superseded.
      this.stats.dropped += 1;
      this.reporter?.applied(id, effectiveAt);
    } else if (this.accept(updates, id)) {
      this.stats.applied += 1;
      const appliedAt = Date.now();
      this.reporter?.applied(id, effectiveAt, appliedAt);
      const event = { id, effectiveAt, appliedAt, lagMs: appliedAt - effectiveAt };
      this.emitSafely(() => this.emit('applied', event));
    }
  }

  /** Merges a snapshot (or backup) key by key, by version. False when validate refused it. */
  private merge(snapshot: ConfigSnapshot): boolean {
    this.state.revision = snapshot.revision;
    const updates = this.state.newer(updatesFromSnapshot(snapshot));
    return updates.length === 0 || this.accept(updates, null);
  }

  /** Validates updates, applies them in one swap and announces the changed keys. False when refused. */
  private accept(updates: KeyUpdate[], id: string | null): boolean {
    let preview: FrozenConfig | undefined;
    if (this.options.validate) {
      preview = this.state.preview(updates);
      const reason = validationFailure(this.options.validate, preview);
      if (reason) {
        this.stats.rejected += 1;
        this.logger.warn({ id, err: reason }, 'hotconf: change rejected by validate');
        this.emitSafely(() =>
          this.emit('rejected', { id, keys: updates.map((update) => update.key), reason }),
        );
        return false;
      }
    }
    const changes = this.state.commit(updates, preview);
    this.backup?.saveSoon();
    // The first config loaded is not a change: listeners hear of what changes after ready.
    if (this.currentSource === 'none') return true;
    for (const { key, oldValue, newValue, version } of changes) {
      const event = { key, oldValue, newValue, id, effectiveAt: version.effectiveAt };
      this.emitSafely(() => this.emit('change', event));
      this.emitSafely(() => this.emit(`change:${key}`, event));
    }
    return true;
  }

  /** Runs one refresh now, or one more right after the running one, then schedules the next. */
  private refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      clearTimeout(this.refreshTimer);
      do {
        this.refreshAgain = false;
        await this.refreshOnce();
      } while (this.refreshAgain && !this.closed);
      if (this.closed) return;
      const delayMs = this.currentSource === 'redis' ? this.options.reconcileMs : this.options.retryMs;
      this.refreshTimer = setTimeout(() => void this.refresh(), delayMs).unref();
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Reloads the snapshot if its revision moved (or none is loaded yet); serves the backup if Redis is down at start. */
  private async refreshOnce(): Promise<void> {
    const { redisTimeoutMs } = this.options;
    try {
      if (this.currentSource === 'redis') {
        const revision = await withTimeout(
          readRevision(this.redis.client, this.keys),
          redisTimeoutMs,
          'GET revision',
        );
        if (revision === this.state.revision) return this.confirmFresh();
      }
      const snapshot = await withTimeout(
        readSnapshot(this.redis.client, this.keys),
        redisTimeoutMs,
        'snapshot read',
      );
      if (this.closed) return;
      this.stats.reloads += 1;
      this.merge(snapshot);
      if (this.currentSource !== 'redis')
        this.logger.info({ revision: snapshot.revision }, 'hotconf: snapshot loaded');
      this.useSource('redis');
      this.confirmFresh();
    } catch (error) {
      if (this.closed) return;
      this.reportError(
        new HotconfError('E_REDIS', `could not read the config snapshot: ${(error as Error).message}`, {
          cause: error,
        }),
      );
      if (this.currentSource === 'none') await this.serveBackup();
      this.reportIfStale();
    }
  }

  private async serveBackup(): Promise<void> {
    if (!this.backup) return;
    try {
      const snapshot = await this.backup.load();
      if (this.closed || snapshot === undefined || !this.merge(snapshot)) return;
      this.logger.warn(
        { revision: snapshot.revision },
        'hotconf: Redis unreachable; serving the backup file',
      );
      this.useSource('backup');
    } catch (error) {
      this.reportError(error as Error);
    }
  }

  /** Records where the config came from; the first time, applies what was buffered and ends ready(). */
  private useSource(source: Exclude<ConfigSource, 'none'>): void {
    const first = this.currentSource === 'none';
    this.currentSource = source;
    if (!first) return;
    for (const envelope of this.buffered.splice(0)) this.applyEnvelope(envelope);
    this.settleLoaded();
    this.reporter?.start();
  }

  private confirmFresh(): void {
    this.lastRefreshedAt = Date.now();
    this.staleReported = false;
  }

  private reportIfStale(): void {
    const since = this.lastRefreshedAt ?? this.startedAt;
    if (this.staleReported || Date.now() - since < this.options.staleAfterMs) return;
    this.staleReported = true;
    const event = { lastRefreshedAt: this.lastRefreshedAt, source: this.currentSource };
    this.logger.warn(event, 'hotconf: config is stale');
    this.emitSafely(() => this.emit('stale', event));
  }

  // A listener that throws must not stop the others, nor the message loop that called it.
  private emitSafely(emit: () => void): void {
    try {
      emit();
    } catch (error) {
      this.reportError(error as Error);
    }
  }

  // An 'error' event with no listener would throw and take the host process down: log it instead.
  private reportError(error: Error): void {
    this.logger.error({ err: error }, 'hotconf: config subscriber error');
    if (this.closed || this.listenerCount('error') === 0) return;
    try {
      this.emit('error', error);
    } catch (thrown) {
      this.logger.error({ err: thrown }, "hotconf: an 'error' listener threw");
    }
  }
}

function closedError(): HotconfError {
  return new HotconfError('E_CLOSED', 'the config subscriber was closed');
}

/** What validate said against a config: undefined when it accepted it. */
function validationFailure(
  validate: (config: FrozenConfig) => boolean | void,
  config: FrozenConfig,
): Error | undefined {
  try {
    return validate(config) === false ? new HotconfError('E_REJECTED', 'validate returned false') : undefined;
  } catch (error) {
    return error instanceof Error ? error : new HotconfError('E_REJECTED', String(error));
  }
}

export function createConfigSubscriber(options: ConfigSubscriberOptions): ConfigSubscriber {
  return new ConfigSubscriber(options);
}
