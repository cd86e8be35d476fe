import { EventEmitter } from 'node:events';
import { parseEnvelope, type Envelope } from '../config/envelope.js';
import { FleetReporter } from '../fleet/reporter.js';
import { resolveReportOptions } from '../fleet/report-options.js';
import { readRevision, readSnapshot, type ConfigSnapshot } from '../config/snapshot.js';
import { HotconfError, invalidArgument } from '../errors.js';
import type { Logger } from '../logger.js';
import { connectRedis, releaseRedis, type RedisConnection } from '../redis/connection.js';
import { hotconfKeys, type HotconfKeys } from '../redis/keys.js';
import { assertTimerMs } from '../queue/validate.js';
import { BackupFile } from './backup-file.js';
import { ConfigGate, type GateOutcome } from './config-gate.js';
import { ConfigState, updatesFromEnvelope, updatesFromSnapshot, type FrozenConfig } from './config-state.js';
import { NsqSubscription } from './nsq-subscription.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import { Readiness } from './readiness.js';
import { RepeatingTask } from './repeating-task.js';
import { StartupBuffer } from './startup-buffer.js';
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
 * repairs whatever NSQ did not deliver. The same check runs on every NSQ (re)subscription. Everything
 * goes through `validate` (ConfigGate): what it refuses is held back, and while anything is the snapshot
 * is reloaded every `reconcileMs` whatever its revision, and `revision` stays at the last one taken whole.
 */
export class ConfigSubscriber extends EventEmitter<SubscriberEvents> {
  /** This instance's NSQ channel, `<service>.<instance id>#ephemeral`. */
  readonly channel: string;
  /** Counters since start; read them, do not change them. */
  readonly stats: SubscriberStats = {
    applied: 0,
    dropped: 0,
    malformed: 0,
    rejected: 0,
    reloads: 0,
    bufferDropped: 0,
  };

  private readonly options: ResolvedOptions;
  private readonly logger: Logger;
  private readonly redis: RedisConnection;
  private readonly keys: HotconfKeys;
  private readonly state = new ConfigState();
  private readonly gate: ConfigGate;
  private readonly subscription: NsqSubscription;
  private readonly backup: BackupFile | undefined;
  private readonly reporter: FleetReporter | undefined;
  private currentSource: ConfigSource = 'none';
  /** Envelopes received before the first config was loaded. */
  private readonly buffered: StartupBuffer;
  private readonly readiness = new Readiness();
  /** Loads the snapshot at start, then checks it every reconcileMs (retryMs until it is loaded). */
  private readonly refresh = new RepeatingTask({
    run: () => this.refreshOnce(),
    delayMs: () => (this.currentSource === 'redis' ? this.options.reconcileMs : this.options.retryMs),
  });
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
    this.gate = new ConfigGate(this.state, this.options.validate);
    this.buffered = new StartupBuffer(this.options.startupBufferBytes);
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

  /** The revision of the last snapshot (or backup served) taken whole: not one with something held back. */
  get revision(): number {
    return this.state.revision;
  }

  /** Keys whose newest change `validate` refused: they keep their last accepted value. Sorted. */
  get heldBack(): string[] {
    return this.gate.heldBack;
  }

  /**
   * Resolves once a config validate accepted is in memory: the snapshot from Redis (as much of it as
   * validate accepts; held-back keys take their value from the backup file when there is one), or the
   * backup file when Redis could not be reached. Rejects with E_REJECTED when validate refused every
   * config there is (the subscriber keeps retrying: a later call may resolve), with E_TIMEOUT after
   * `timeoutMs` (default 10 s; the subscriber keeps trying) and with E_CLOSED when closed.
   */
  async ready(options: { timeoutMs?: number } = {}): Promise<ReadyResult> {
    if (typeof options !== 'object' || options === null)
      throw invalidArgument('ready() options must be an object');
    const timeoutMs = assertTimerMs(options.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS, 'timeoutMs');
    if (this.closed) throw closedError();
    await this.readiness.wait(
      timeoutMs,
      `no config loaded within ${timeoutMs} ms (Redis unreachable and no backup file?)`,
    );
    return { source: this.currentSource as ReadyResult['source'], revision: this.state.revision };
  }

  /** The key's value, or `fallback` when the key is absent. The type is not checked: `validate` can. */
  get(key: string): unknown;
  get<T>(key: string, fallback: T): T;
  get(key: string, fallback?: unknown): unknown {
    if (typeof key !== 'string') throw invalidArgument(`key must be a string (got ${typeof key})`);
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
    this.refresh.stop();
    this.readiness.close(closedError());
    await this.reporter?.stop();
    // A channel left behind keeps a copy of every change in nsqd: say so, even though we are closing.
    for (const error of await this.subscription.close()) this.emitError(error);
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
    if (!this.closed) await this.refresh.now();
  }

  private onSubscribed(): void {
    this.logger.debug({ channel: this.channel }, 'hotconf: subscribed');
    // Whatever was published while this channel did not exist is in the snapshot: check it now. Before
    // the first load starts there is nothing to check: that load will see it.
    if (this.currentSource !== 'none' || this.refresh.isRunning) void this.refresh.now();
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
    if (this.currentSource !== 'none') return this.applyEnvelope(envelope);
    this.buffered.push(envelope, Buffer.byteLength(body));
    this.stats.bufferDropped = this.buffered.drops;
  }

  private applyEnvelope(envelope: Envelope): void {
    const outcome = this.gate.applyChangeSet(updatesFromEnvelope(envelope));
    const { id, effectiveAt } = envelope;
    this.announce(outcome, id);
    if (outcome.committed) {
      this.stats.applied += 1;
      const appliedAt = Date.now();
      this.reporter?.applied(id, effectiveAt, appliedAt);
      const event = { id, effectiveAt, appliedAt, lagMs: appliedAt - effectiveAt };
      this.emitSafely(() => this.emit('applied', event));
    } else if (!outcome.refused) {
      // Every key is held at this version or a newer one: applied before, or superseded.
      this.stats.dropped += 1;
      this.reporter?.applied(id, effectiveAt);
    }
  }

  /**
   * Merges a snapshot (or backup) by version, as much as validate accepts. Its revision becomes this
   * instance's only when nothing is held back: otherwise the next reconcile must load it again.
   */
  private merge(snapshot: ConfigSnapshot): void {
    this.announce(this.gate.mergeSnapshot(updatesFromSnapshot(snapshot)), null);
    if (this.gate.validated && this.gate.heldBack.length === 0) this.state.revision = snapshot.revision;
  }

  /** Reports refusals, announces the changed keys and schedules the backup write. */
  private announce({ committed, changes, refusals }: GateOutcome, id: string | null): void {
    for (const { keys, reason } of refusals) {
      this.stats.rejected += 1;
      const heldBack = this.gate.heldBack;
      this.logger.warn({ id, keys, heldBack, err: reason }, 'hotconf: change held back: validate refused it');
      this.emitSafely(() => this.emit('rejected', { id, keys, heldBack, reason }));
    }
    if (committed) this.backup?.saveSoon();
    // The first config loaded is not a change: listeners hear of what changes after ready.
    if (this.currentSource === 'none') return;
    for (const { key, oldValue, newValue, version } of changes) {
      const event = { key, oldValue, newValue, id, effectiveAt: version.effectiveAt };
      this.emitSafely(() => this.emit('change', event));
      this.emitSafely(() => this.emit(`change:${key}`, event));
    }
  }

  /**
   * Reloads the snapshot if its revision moved, or something is held back, or none is loaded yet; serves
   * the backup if Redis is down at start.
   */
  private async refreshOnce(): Promise<void> {
    const { redisTimeoutMs } = this.options;
    try {
      if (this.currentSource === 'redis' && this.gate.heldBack.length === 0) {
        const revision = await withTimeout(
          readRevision(this.redis.client, this.keys),
          redisTimeoutMs,
          'GET revision',
        );
        if (revision === this.state.revision) return this.confirmFresh();
      }
      const dropsBefore = this.buffered.drops;
      const snapshot = await withTimeout(
        readSnapshot(this.redis.client, this.keys),
        redisTimeoutMs,
        'snapshot read',
      );
      if (this.closed) return;
      this.stats.reloads += 1;
      this.confirmFresh();
      if (this.currentSource === 'none' && this.buffered.drops !== dropsBefore) {
        // A message dropped while this read was under way may have come after it: read again.
        this.refresh.again();
        return;
      }
      this.merge(snapshot);
      if (this.currentSource === 'none') await this.finishStart(snapshot.revision);
      else this.useSource('redis');
    } catch (error) {
      if (this.closed) return;
      // Keys in a layout newer than this hotconf knows (src/redis/layout.ts): refuse, do not guess.
      if (error instanceof HotconfError && error.code === 'E_LAYOUT') {
        this.reportError(error);
        this.readiness.markFailed(error);
        return;
      }
      this.reportError(
        new HotconfError('E_REDIS', `could not read the config snapshot: ${(error as Error).message}`, {
          cause: error,
        }),
      );
      if (this.currentSource === 'none') await this.serveBackup();
      this.reportIfStale();
    }
  }

  /**
   * The first snapshot is merged: keys it holds back take their last good value from the backup file,
   * when there is one. Ready once validate accepted the config; otherwise ready() is refused, and the
   * next retry tries again.
   */
  private async finishStart(revision: number): Promise<void> {
    if (this.gate.heldBack.length > 0 || !this.gate.validated) {
      const backup = await this.loadBackup();
      if (this.closed) return;
      if (backup) this.announce(this.gate.mergeSnapshot(updatesFromSnapshot(backup)), null);
    }
    if (!this.gate.validated) {
      this.readiness.markFailed(
        new HotconfError(
          'E_REJECTED',
          `validate refused the snapshot (revision ${revision})` +
            (this.backup ? ' and the backup file' : ' and there is no backup file') +
            `; held back: ${this.gate.heldBack.join(', ') || '(the empty config)'}`,
        ),
      );
      return;
    }
    this.logger.info({ revision, heldBack: this.gate.heldBack }, 'hotconf: snapshot loaded');
    this.useSource('redis');
  }

  private async serveBackup(): Promise<void> {
    const snapshot = await this.loadBackup();
    if (this.closed || snapshot === undefined) return;
    this.merge(snapshot);
    if (!this.gate.validated) return;
    this.logger.warn({ revision: snapshot.revision }, 'hotconf: Redis unreachable; serving the backup file');
    this.useSource('backup');
  }

  /** The backup file's config; undefined when there is none or it cannot be read (reported). */
  private async loadBackup(): Promise<ConfigSnapshot | undefined> {
    try {
      return await this.backup?.load();
    } catch (error) {
      this.reportError(error as Error);
      return undefined;
    }
  }

  /** Records where the config came from; the first time, applies what was buffered and ends ready(). */
  private useSource(source: Exclude<ConfigSource, 'none'>): void {
    const first = this.currentSource === 'none';
    this.currentSource = source;
    if (!first) return;
    for (const envelope of this.buffered.drain()) this.applyEnvelope(envelope);
    this.readiness.markReady();
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

  // Errors from a closed subscriber's last moments (a reader going away) are logged, not emitted.
  private reportError(error: Error): void {
    if (this.closed) this.logger.error({ err: error }, 'hotconf: config subscriber error');
    else this.emitError(error);
  }

  // An 'error' event with no listener would throw and take the host process down: log it instead.
  private emitError(error: Error): void {
    this.logger.error({ err: error }, 'hotconf: config subscriber error');
    if (this.listenerCount('error') === 0) return;
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

export function createConfigSubscriber(options: ConfigSubscriberOptions): ConfigSubscriber {
  return new ConfigSubscriber(options);
}
