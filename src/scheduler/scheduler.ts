import { EventEmitter } from 'node:events';
import { decodeChangeSet, encodeChanges, seqOfChangeSet } from '../config/change-set-codec.js';
import {
  normalizeChanges,
  toConfigChange,
  type ChangeSetInput,
  type NormalizedChange,
} from '../config/changes.js';
import { maxEnvelopeBytes } from '../config/envelope.js';
import { readSnapshot } from '../config/snapshot.js';
import { HotconfError, invalidArgument } from '../errors.js';
import { readFleet } from '../fleet/read-fleet.js';
import type { AppliedReport, FleetInstance, FleetQuery, WaitForAppliedOptions } from '../fleet/types.js';
import { waitForApplied } from '../fleet/wait-for-applied.js';
import { guardLogger, silentLogger, type Logger } from '../logger.js';
import { assertTopicName } from '../nsq/names.js';
import { NsqPublisher } from '../nsq/publisher.js';
import { DelayQueue } from '../queue/delay-queue.js';
import { legacyPublishing, type LegacyPublishing } from '../recipe/legacy-publishing.js';
import { generateId } from '../queue/generate-id.js';
import type { DeadItem } from '../queue/types.js';
import { assertId, assertOptionalObject, resolveWhen, type When } from '../queue/validate.js';
import type { HistoryQuery } from '../release/history-reader.js';
import { ReleaseControl, type RollbackOptions } from '../release/release-control.js';
import { CHANGE_KIND, type ChangeKind } from '../release/release-meta.js';
import type { RecurringInput } from '../release/recurring-definition.js';
import { ClaimLoop } from './claim-loop.js';
import { notifyListeners } from './notify-listeners.js';
import { resolveSchedulerOptions, type ResolvedSchedulerOptions } from './options.js';
import { publishEnvelopes } from './publish-envelopes.js';
import { settlesWithin } from './settles-within.js';
import type {
  CurrentConfig,
  PendingChange,
  RecipeIntake,
  ScheduledChange,
  ScheduleOptions,
  SchedulerEvents,
  SchedulerOptions,
  SchedulerStats,
} from './types.js';
import { WakeListener } from './wake-listener.js';

/**
 * Schedules config changes and, once started, publishes each one to NSQ when it falls due.
 * `schedule`, `cancel`, `reschedule`, `pending` and `current` work without `start()`, so an admin
 * process can schedule while other processes run the loop. Any number of schedulers may share a prefix.
 */
export class Scheduler extends EventEmitter<SchedulerEvents> {
  private readonly queue: DelayQueue;
  private readonly options: SchedulerOptions;
  private readonly settings: ResolvedSchedulerOptions;
  private readonly logger: Logger;
  /** Built with the scheduler, so a bad nsqd address is refused at once; it connects on its first publish. */
  private readonly publisher: NsqPublisher | undefined;
  private readonly legacy: LegacyPublishing | undefined;
  private readonly release: ReleaseControl;
  private running: { loop: ClaimLoop; wake: WakeListener } | undefined;
  private stopped = false;
  private stopping: Promise<void> | undefined;

  constructor(options: SchedulerOptions) {
    super();
    if (typeof options !== 'object' || options === null) throw invalidArgument('options are required');
    assertTopicName(options.topic);
    this.options = options;
    this.settings = resolveSchedulerOptions(options);
    // A logger that throws must not stop the loop it logs for.
    this.logger = guardLogger(options.logger ?? silentLogger);
    this.legacy = options.legacy === undefined ? undefined : legacyPublishing(options.legacy, options.topic);
    this.publisher =
      options.nsqd === undefined
        ? undefined
        : new NsqPublisher({
            nsqd: options.nsqd,
            logger: this.logger,
            connectTimeoutMs: this.settings.connectTimeoutMs,
            publishTimeoutMs: this.settings.publishTimeoutMs,
            maxBodyBytes: this.settings.maxBodyBytes,
          });
    this.queue = new DelayQueue({
      redis: options.redis,
      prefix: options.prefix,
      leaseMs: this.settings.leaseMs,
      // Size is checked on the whole envelope in schedule(); the queue need not check it again.
      maxPayloadBytes: Number.MAX_SAFE_INTEGER,
      claimScript: 'claimChanges',
      logger: this.logger,
      ...(options.idRetentionMs === undefined ? {} : { idRetentionMs: options.idRetentionMs }),
    });
    this.release = new ReleaseControl({
      redis: this.queue.redis,
      keys: this.queue.keys,
      maxKeyBytes: this.settings.maxKeyBytes,
      maxMessageBytes: this.settings.maxMessageBytes,
      ...(options.historyLimit === undefined ? {} : { historyLimit: options.historyLimit }),
      ...(options.recurringRefillMs === undefined ? {} : { recurringRefillMs: options.recurringRefillMs }),
      schedule: (change, scheduleOptions, kind) =>
        this.schedule(change, { ...scheduleOptions, [CHANGE_KIND]: kind } as ScheduleOptions),
    });
  }

  /**
   * Schedules a change or change set. `at` in the past means now. Retry-safe with a stable `id`: within
   * `idRetentionMs` a repeated id returns the original `{ id, seq, effectiveAt }` and changes nothing,
   * whatever became of it (pending, being published, in effect, cancelled); a dead id gives E_DEAD.
   */
  async schedule(change: ChangeSetInput, options?: ScheduleOptions): Promise<ScheduledChange> {
    this.assertOpen();
    const { id: givenId, at, delayMs } = assertOptionalObject(options, 'schedule options') ?? {};
    const id = givenId ?? generateId();
    const changes = this.checkChangeSet(change, id, { at, delayMs });
    // Release control's facts (actor, reason, until, baseRevision) ride after the changes (src/release).
    const kind = (options as { [CHANGE_KIND]?: ChangeKind } | undefined)?.[CHANGE_KIND] ?? 'change';
    const trailer = await this.release.trailerFor({ ...options, id }, kind);
    // The queue's schedule script draws the seq and prepends it; an id scheduled before keeps what it had.
    const payload = encodeChanges(changes) + trailer;
    const stored = await this.queue.schedule({
      ...(givenId === undefined ? {} : { id }),
      payload,
      at,
      delayMs,
    });
    return { id: stored.id, seq: seqOfChangeSet(stored.payload), effectiveAt: stored.runAt };
  }

  /**
   * @internal For the recipe bridge (src/recipe/bridge.ts): the deployment's keys and the checks that
   * schedule() makes, so that a bridged change is held to the same rules and sizes.
   */
  recipeIntake(): RecipeIntake {
    this.assertOpen();
    return { keys: this.queue.keys, check: (change, id, when) => this.checkChangeSet(change, id, when) };
  }

  /** Validates a change set before anything is written: E_INVALID_ARGUMENT, E_PAYLOAD_TOO_LARGE. */
  private checkChangeSet(change: ChangeSetInput, id: string, when: When): NormalizedChange[] {
    const changes = normalizeChanges(change, this.settings.maxKeyBytes);
    assertId(id);
    resolveWhen(when);
    const size = maxEnvelopeBytes(id, changes);
    if (size > this.settings.maxMessageBytes) {
      throw new HotconfError(
        'E_PAYLOAD_TOO_LARGE',
        `change set ${id} makes a ${size}-byte message; the limit is ${this.settings.maxMessageBytes} bytes`,
      );
    }
    this.legacy?.assertFits(changes, this.settings.maxMessageBytes);
    return changes;
  }

  /** Removes a pending change. False when it is unknown, in effect (published or not) or dead. */
  async cancel(id: string): Promise<boolean> {
    this.assertOpen();
    return this.queue.cancel(id);
  }

  /** Moves a pending change to a new time; E_NOT_PENDING when it is in effect (published or not) or unknown. */
  async reschedule(id: string, when: When): Promise<ScheduledChange> {
    this.assertOpen();
    const moved = await this.queue.reschedule(id, when);
    if (moved === null) {
      throw new HotconfError('E_NOT_PENDING', `change ${id} is not pending (unknown, in effect or dead)`);
    }
    return { id, seq: seqOfChangeSet(moved.payload), effectiveAt: moved.runAt };
  }

  /** Scheduled changes that have not taken effect, earliest first. */
  async pending(options?: { limit?: number }): Promise<PendingChange[]> {
    this.assertOpen();
    const items = await this.queue.peek(options);
    return items.map((item) => {
      const { seq, changes } = decodeChangeSet(item.payload);
      return {
        id: item.id,
        seq,
        effectiveAt: item.runAt,
        changes: changes.map(toConfigChange),
      };
    });
  }

  /** The config snapshot now in effect: what every subscriber converges to. */
  async current(): Promise<CurrentConfig> {
    this.assertOpen();
    const { revision, values } = await readSnapshot(this.queue.redis, this.queue.keys);
    return { revision, values };
  }

  /**
   * Counts: due, scheduled, processing (being published), awaitingPublish (in effect, publish to be
   * retried), dead, and the oldest due change's lag.
   */
  async stats(): Promise<SchedulerStats> {
    this.assertOpen();
    return this.queue.counts();
  }

  /** Items given up on this prefix (ones the claim could not decode), with why. */
  async dead(options?: { limit?: number }): Promise<DeadItem[]> {
    this.assertOpen();
    return this.queue.dead(options);
  }

  /** Makes dead items pending again, due now. Returns how many. */
  async retryDead(ids: readonly string[]): Promise<number> {
    this.assertOpen();
    return this.queue.retryDead(ids);
  }

  /** Removes every dead item, freeing its id. Returns how many. */
  async purgeDead(): Promise<number> {
    this.assertOpen();
    return this.queue.purgeDead();
  }

  /** The subscriber instances reporting now (src/fleet). */
  async fleet(query?: FleetQuery): Promise<FleetInstance[]> {
    this.assertOpen();
    return readFleet(this.queue.redis, this.queue.keys, query);
  }

  /** Resolves once every reporting instance applied change set `id`, or at the timeout with those missing (src/fleet). */
  async waitForApplied(id: string, options: WaitForAppliedOptions): Promise<AppliedReport> {
    this.assertOpen();
    return waitForApplied(this.queue.redis, this.queue.keys, id, options);
  }

  /** State changes of change sets (scheduled, rescheduled, cancelled, applied, skipped), newest first. */
  history(query?: HistoryQuery): ReturnType<ReleaseControl['history']> {
    this.assertOpen();
    return this.release.history(query);
  }

  /** Schedules one change set putting every key changed after `toRevision` back to its value then. */
  rollback(
    target: { toRevision: number },
    options?: RollbackOptions,
  ): ReturnType<ReleaseControl['rollback']> {
    this.assertOpen();
    return this.release.rollback(target, options);
  }

  /** Per-key difference between two snapshot revisions (`toRevision` defaults to the current one). */
  diff(fromRevision: number, toRevision?: number): ReturnType<ReleaseControl['diff']> {
    this.assertOpen();
    return this.release.diff(fromRevision, toRevision);
  }

  /** A change that recurs on a cron schedule in a time zone, each occurrence time-boxed by durationMs. */
  scheduleRecurring(input: RecurringInput): ReturnType<ReleaseControl['scheduleRecurring']> {
    this.assertOpen();
    return this.release.scheduleRecurring(input);
  }

  recurring(): ReturnType<ReleaseControl['recurring']> {
    this.assertOpen();
    return this.release.recurring();
  }

  cancelRecurring(id: string): ReturnType<ReleaseControl['cancelRecurring']> {
    this.assertOpen();
    return this.release.cancelRecurring(id);
  }

  /** Starts the claim → publish → ack loop. */
  async start(): Promise<void> {
    this.assertOpen();
    if (this.running) return;
    const { publisher, settings } = this;
    if (publisher === undefined) throw invalidArgument('start() needs the nsqd option');
    const wake = new WakeListener(this.queue.redis, this.queue.keys.wakeChannel);
    const { topic } = this.options;
    const loop = new ClaimLoop({
      queue: this.queue,
      wake,
      batchSize: settings.batchSize,
      maxInFlight: settings.maxInFlight,
      reapIntervalMs: settings.reapIntervalMs,
      dispatch: {
        publish: publishEnvelopes(publisher, topic, this.legacy),
        publishRetries: settings.publishRetries,
        backoffMs: settings.backoffMs,
        maxBackoffMs: settings.maxBackoffMs,
        maxRefusedAttempts: settings.maxRefusedAttempts,
        onPublished: (event) => this.notify('published', event),
        onRequeued: (event) => {
          this.logger.warn(
            { ids: event.ids.length, delayMs: event.delayMs, err: event.error },
            'hotconf: batch requeued',
          );
          this.notify('requeued', event);
        },
        onLost: (event) => {
          this.logger.warn(
            { ids: event.ids },
            'hotconf: lease lost before the ack or requeue; another claim republishes',
          );
          this.notify('lost', event);
        },
        onError: (error) => this.reportError(error),
      },
    });
    // Set before the first await, so a stop() while Redis is slow to answer closes what this opened.
    this.running = { loop, wake };
    try {
      await wake.start();
    } catch (error) {
      // After a stop() the failure is the stop's doing, and stop() has closed these already.
      if (!this.stopped) {
        this.running = undefined;
        await wake.stop();
        throw error;
      }
    }
    if (this.stopped) throw new HotconfError('E_CLOSED', 'the scheduler was stopped while starting');
    // Release control's conflict events and recurring refills (src/release); a failure is handled as wake's.
    await this.release
      .start(
        (event) => this.notify('conflict', event),
        (error) => this.reportError(error),
      )
      .catch(async (error: unknown) => {
        if (this.stopped) return;
        this.running = undefined;
        await Promise.all([this.release.stop(), wake.stop()]);
        throw error;
      });
    if (this.stopped) throw new HotconfError('E_CLOSED', 'the scheduler was stopped while starting');
    loop.start();
    this.logger.info({ topic, prefix: this.options.prefix }, 'hotconf: scheduler started');
  }

  /**
   * Finishes the batches in flight (acked, or given back for another scheduler), then closes. Settles
   * within stopTimeoutMs even when Redis or nsqd hangs: what is still held then is left to its leases.
   */
  stop(): Promise<void> {
    // A second call (SIGINT, then SIGTERM) waits for the same stop.
    this.stopping ??= this.stopOnce();
    return this.stopping;
  }

  private async stopOnce(): Promise<void> {
    this.stopped = true;
    const closing = this.finishAndClose();
    closing.catch((error: unknown) => this.logger.error({ err: error }, 'hotconf: error while stopping'));
    if (!(await settlesWithin(closing, this.settings.stopTimeoutMs))) {
      this.logger.warn(
        { prefix: this.options.prefix, stopTimeoutMs: this.settings.stopTimeoutMs },
        'hotconf: stop() gave up waiting for Redis or nsqd; leases still held will expire',
      );
      // Close without waiting: an owned Redis connection is dropped, which fails what still waits on it.
      void this.running?.wake.stop();
      void this.release.stop();
      void this.publisher?.close();
      void this.queue.close();
    }
    this.logger.info({ prefix: this.options.prefix }, 'hotconf: scheduler stopped');
  }

  private async finishAndClose(): Promise<void> {
    if (this.running) {
      await this.running.loop.stop();
      await this.release.stop();
      await this.running.wake.stop();
    }
    await this.publisher?.close();
    await this.queue.close();
  }

  /** Emits to each listener in turn; one that throws is reported and skips nothing. */
  private notify<K extends keyof SchedulerEvents>(event: K, payload: SchedulerEvents[K][0]): void {
    notifyListeners(this, event, payload, (error) => this.listenerFailed(event, error));
  }

  private listenerFailed(event: keyof SchedulerEvents, error: unknown): void {
    const failure = new HotconfError(
      'E_LISTENER_FAILED',
      `a '${event}' listener threw: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
    this.logger.error({ err: failure }, 'hotconf: scheduler listener threw');
    // An error listener that throws is only logged: reporting it to itself could loop.
    if (event !== 'error') this.notify('error', failure);
  }

  // An 'error' event with no listener would throw and take the host process down: log it instead.
  private reportError(error: Error): void {
    this.logger.error({ err: error }, 'hotconf: scheduler error');
    this.notify('error', error);
  }

  private assertOpen(): void {
    if (this.stopped) throw new HotconfError('E_CLOSED', 'the scheduler is stopped');
  }
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  return new Scheduler(options);
}
