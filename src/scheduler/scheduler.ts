import { EventEmitter } from 'node:events';
import { decodeChangeSet, encodeChanges, seqOfChangeSet } from '../config/change-set-codec.js';
import {
  normalizeChanges,
  DEFAULT_MAX_KEY_BYTES,
  type ChangeSetInput,
  type NormalizedChange,
} from '../config/changes.js';
import { maxEnvelopeBytes } from '../config/envelope.js';
import { readSnapshot } from '../config/snapshot.js';
import { HotconfError, invalidArgument } from '../errors.js';
import { readFleet } from '../fleet/read-fleet.js';
import type { AppliedReport, FleetInstance, FleetQuery, WaitForAppliedOptions } from '../fleet/types.js';
import { waitForApplied } from '../fleet/wait-for-applied.js';
import { silentLogger, type Logger } from '../logger.js';
import { assertTopicName } from '../nsq/names.js';
import { NsqPublisher } from '../nsq/publisher.js';
import { DelayQueue, MAX_BATCH } from '../queue/delay-queue.js';
import { legacyPublishing, type LegacyPublishing } from '../recipe/legacy-publishing.js';
import { generateId } from '../queue/generate-id.js';
import type { DeadItem } from '../queue/types.js';
import {
  assertId,
  assertOptionalObject,
  assertPositiveInteger,
  assertNonNegativeInteger,
  resolveWhen,
  type When,
} from '../queue/validate.js';
import { ClaimLoop } from './claim-loop.js';
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

const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * Schedules config changes and, once started, publishes each one to NSQ when it falls due.
 * `schedule`, `cancel`, `reschedule`, `pending` and `current` work without `start()`, so an admin
 * process can schedule while other processes run the loop. Any number of schedulers may share a prefix.
 */
export class Scheduler extends EventEmitter<SchedulerEvents> {
  private readonly queue: DelayQueue;
  private readonly options: SchedulerOptions;
  private readonly logger: Logger;
  private readonly batchSize: number;
  private readonly maxMessageBytes: number;
  private readonly maxKeyBytes: number;
  private readonly legacy: LegacyPublishing | undefined;
  private running: { loop: ClaimLoop; wake: WakeListener; publisher: NsqPublisher } | undefined;
  private stopped = false;

  constructor(options: SchedulerOptions) {
    super();
    if (typeof options !== 'object' || options === null) throw invalidArgument('options are required');
    assertTopicName(options.topic);
    this.options = options;
    this.logger = options.logger ?? silentLogger;
    this.batchSize = assertPositiveInteger(options.batchSize ?? 100, 'batchSize', MAX_BATCH);
    this.maxMessageBytes = assertPositiveInteger(
      options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      'maxMessageBytes',
    );
    this.maxKeyBytes = assertPositiveInteger(options.maxKeyBytes ?? DEFAULT_MAX_KEY_BYTES, 'maxKeyBytes');
    this.legacy = options.legacy === undefined ? undefined : legacyPublishing(options.legacy, options.topic);
    for (const name of ['connectTimeoutMs', 'publishTimeoutMs'] as const) {
      if (options[name] !== undefined) assertPositiveInteger(options[name], name);
    }
    for (const name of [
      'maxInFlight',
      'publishRetries',
      'backoffMs',
      'maxBackoffMs',
      'reapIntervalMs',
    ] as const) {
      if (options[name] !== undefined) assertNonNegativeInteger(options[name], name);
    }
    this.queue = new DelayQueue({
      redis: options.redis,
      prefix: options.prefix,
      ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
      // Size is checked on the whole envelope in schedule(); the queue need not check it again.
      maxPayloadBytes: Number.MAX_SAFE_INTEGER,
      claimScript: 'claimChanges',
      logger: this.logger,
      ...(options.idRetentionMs === undefined ? {} : { idRetentionMs: options.idRetentionMs }),
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
    // The queue's schedule script draws the seq and prepends it; an id scheduled before keeps what it had.
    const payload = encodeChanges(changes);
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
    const changes = normalizeChanges(change, this.maxKeyBytes);
    assertId(id);
    resolveWhen(when);
    const size = maxEnvelopeBytes(id, changes);
    if (size > this.maxMessageBytes) {
      throw new HotconfError(
        'E_PAYLOAD_TOO_LARGE',
        `change set ${id} makes a ${size}-byte message; the limit is ${this.maxMessageBytes} bytes`,
      );
    }
    this.legacy?.assertFits(changes, this.maxMessageBytes);
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
        changes: changes.map(({ key, valueJson }) =>
          valueJson === null
            ? { key, deleted: true as const }
            : { key, value: JSON.parse(valueJson) as unknown },
        ),
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

  /** Starts the claim → publish → ack loop. */
  async start(): Promise<void> {
    this.assertOpen();
    if (this.running) return;
    const { nsqd, connectTimeoutMs, publishTimeoutMs } = this.options;
    if (nsqd === undefined) throw invalidArgument('start() needs the nsqd option');
    const publisher = new NsqPublisher({
      nsqd,
      logger: this.logger,
      ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
      ...(publishTimeoutMs === undefined ? {} : { publishTimeoutMs }),
    });
    const wake = new WakeListener(this.queue.redis, this.queue.keys.wakeChannel);
    const { topic } = this.options;
    const loop = new ClaimLoop({
      queue: this.queue,
      wake,
      batchSize: this.batchSize,
      maxInFlight: this.options.maxInFlight ?? 4,
      reapIntervalMs: this.options.reapIntervalMs ?? Math.min(1000, Math.ceil(this.queue.leaseMs / 2)),
      dispatch: {
        // With legacy publishing a batch counts as published once both topics have it.
        publish: async (messages) => {
          const send = publisher.publish.bind(publisher);
          await Promise.all([send(topic, messages), this.legacy?.publish(send, messages)]);
        },
        publishRetries: this.options.publishRetries ?? 2,
        backoffMs: this.options.backoffMs ?? 200,
        maxBackoffMs: this.options.maxBackoffMs ?? 30_000,
        onPublished: (event) => this.emit('published', event),
        onRequeued: (event) => {
          this.logger.warn(
            { ids: event.ids.length, delayMs: event.delayMs, err: event.error },
            'hotconf: batch requeued',
          );
          this.emit('requeued', event);
        },
        onError: (error) => this.reportError(error),
      },
    });
    // Set before the first await, so a stop() while Redis is slow to answer closes what this opened.
    this.running = { loop, wake, publisher };
    try {
      await wake.start();
    } catch (error) {
      // After a stop() the failure is the stop's doing, and stop() has closed these already.
      if (!this.stopped) {
        this.running = undefined;
        await Promise.all([wake.stop(), publisher.close()]);
        throw error;
      }
    }
    if (this.stopped) throw new HotconfError('E_CLOSED', 'the scheduler was stopped while starting');
    loop.start();
    this.logger.info({ topic, prefix: this.options.prefix }, 'hotconf: scheduler started');
  }

  /** Finishes the batches in flight (acked, or given back for another scheduler), then closes. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.running) {
      const { loop, wake, publisher } = this.running;
      await loop.stop();
      await wake.stop();
      await publisher.close();
    }
    await this.queue.close();
    this.logger.info({ prefix: this.options.prefix }, 'hotconf: scheduler stopped');
  }

  // An 'error' event with no listener would throw and take the host process down: log it instead.
  private reportError(error: Error): void {
    this.logger.error({ err: error }, 'hotconf: scheduler error');
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  private assertOpen(): void {
    if (this.stopped) throw new HotconfError('E_CLOSED', 'the scheduler is stopped');
  }
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  return new Scheduler(options);
}
