import type { ChangeSetInput } from '../config/changes.js';
import { maxEnvelopeBytes } from '../config/envelope.js';
import { readRevision } from '../config/snapshot.js';
import { HotconfError, invalidArgument } from '../errors.js';
import {
  assertNonNegativeInteger,
  assertPositiveInteger,
  MAX_ID_BYTES,
  resolveWhen,
  type When,
} from '../queue/validate.js';
import type { RedisClient } from '../redis/connection.js';
import type { HotconfKeys } from '../redis/keys.js';
import { runScript } from '../redis/scripts.js';
import { conflictChannel, ConflictWatcher, type ConflictEvent } from './conflict-watcher.js';
import type { HistoryEntry } from './history-entry.js';
import { readAppliedAfter, readHistory, validateHistoryQuery, type HistoryQuery } from './history-reader.js';
import { nextOccurrences } from './occurrences.js';
import {
  assertRecurringId,
  decodeRecurring,
  encodeRecurring,
  occurrenceRunAt,
  validateRecurring,
  type RecurringChange,
  type RecurringInput,
} from './recurring-definition.js';
import { PRECOMPUTED_OCCURRENCES, RecurringKeeper, refillRecurring } from './recurring-keeper.js';
import { encodeReleaseMeta, type ChangeKind } from './release-meta.js';
import { diffRevisions, rollbackChanges, type KeyDiff } from './revisions.js';
import { assertLabel, assertRevision, DEFAULT_HISTORY_LIMIT, resolveUntil } from './validate.js';

/** A time-boxed change's revert is the pending change "<id>.revert" (lua/includes/release-apply.lua). */
const REVERT_SUFFIX = '.revert';

/** What `schedule()` takes for release control, beside its time and id. */
export interface ReleaseOptions {
  /** Who schedules it (bounded string, recorded in history). */
  actor?: string;
  /** Why (bounded string, recorded in history). */
  reason?: string;
  /** Time-boxed: at `until` every key goes back to its value before, unless a newer change touched it. */
  until?: Date | number;
  /** Time-boxed for this long from when the change takes effect (instead of `until`). */
  durationMs?: number;
  /** The snapshot revision the change was prepared against: if any of its keys changed after it, the
   * change is skipped when due (history `skipped`, why `conflict`; the scheduler emits `conflict`). */
  baseRevision?: number;
}

export interface RollbackOptions extends When {
  actor?: string;
  reason?: string;
}

export interface ScheduledRef {
  id: string;
  seq: number;
  effectiveAt: number;
}

export interface ReleaseControlOptions {
  redis: RedisClient;
  keys: HotconfKeys;
  historyLimit?: number;
  maxKeyBytes: number;
  maxMessageBytes: number;
  /** How often a running scheduler tops up recurring definitions' occurrence times. Default 10 s. */
  recurringRefillMs?: number;
  /** Schedules a change set of the given kind through the scheduler's own schedule(). */
  schedule(change: ChangeSetInput, options: When & ReleaseOptions, kind: ChangeKind): Promise<ScheduledRef>;
}

/**
 * History, rollback and diff, time-boxed and recurring changes, and the conflict check: everything the
 * scheduler does for release control, on the history stream and recurring definitions in Redis. The claim
 * script does the atomic part (lua/includes/release-apply.lua).
 */
export class ReleaseControl {
  readonly historyLimit: number;
  private running: { watcher: ConflictWatcher; keeper: RecurringKeeper } | undefined;

  constructor(private readonly options: ReleaseControlOptions) {
    this.historyLimit = assertNonNegativeInteger(
      options.historyLimit ?? DEFAULT_HISTORY_LIMIT,
      'historyLimit',
    );
    if (options.recurringRefillMs !== undefined)
      assertNonNegativeInteger(options.recurringRefillMs, 'recurringRefillMs');
  }

  /**
   * Validates the release options of a schedule() and returns the trailer its stored change set carries
   * ('' with history off). Reads the revision for baseRevision; writes nothing.
   */
  async trailerFor(options: When & ReleaseOptions & { id?: string }, kind: ChangeKind): Promise<string> {
    if (
      options.until !== undefined &&
      options.id !== undefined &&
      options.id.length > MAX_ID_BYTES - REVERT_SUFFIX.length
    ) {
      throw invalidArgument(
        `a time-boxed change's id must leave room for "${REVERT_SUFFIX}" (its revert's id)`,
      );
    }
    const actor = assertLabel(options.actor, 'actor');
    const reason = assertLabel(options.reason, 'reason');
    const when = resolveWhen(options);
    const untilAt = resolveUntil(options.until, when.mode === 'at' ? when.ms : Date.now() + when.ms);
    if (untilAt !== undefined && options.durationMs !== undefined) {
      throw invalidArgument('give either until or durationMs, not both');
    }
    const forMs =
      options.durationMs === undefined ? undefined : assertPositiveInteger(options.durationMs, 'durationMs');
    const baseRevision =
      options.baseRevision === undefined ? undefined : assertRevision(options.baseRevision, 'baseRevision');
    const used = [actor, reason, untilAt, forMs, baseRevision].some((value) => value !== undefined);
    if (this.historyLimit === 0) {
      if (used) this.assertHistory();
      return '';
    }
    if (baseRevision !== undefined) await this.assertRevisionExists(baseRevision);
    return encodeReleaseMeta({
      kind,
      historyLimit: this.historyLimit,
      ...(actor === undefined ? {} : { actor }),
      ...(reason === undefined ? {} : { reason }),
      ...(untilAt === undefined ? {} : { untilAt }),
      ...(forMs === undefined ? {} : { forMs }),
      ...(baseRevision === undefined ? {} : { baseRevision }),
    });
  }

  /** State changes of change sets, newest first. */
  async history(query: HistoryQuery = {}): Promise<HistoryEntry[]> {
    this.assertHistory();
    return readHistory(this.options.redis, this.options.keys.history, validateHistoryQuery(query));
  }

  /** Per-key difference between two revisions (`toRevision` defaults to the current one). */
  async diff(fromRevision: number, toRevision?: number): Promise<KeyDiff[]> {
    this.assertHistory();
    assertRevision(fromRevision, 'fromRevision');
    if (toRevision !== undefined) assertRevision(toRevision, 'toRevision');
    const current = await readRevision(this.options.redis, this.options.keys);
    const to = toRevision ?? current;
    const applied = await readAppliedAfter(
      this.options.redis,
      this.options.keys.history,
      Math.min(fromRevision, to),
    );
    return diffRevisions(applied, fromRevision, to, current);
  }

  /** Schedules one change set (kind `rollback`) putting every key changed after `toRevision` back. */
  async rollback(target: { toRevision: number }, options: RollbackOptions = {}): Promise<ScheduledRef> {
    this.assertHistory();
    if (typeof target !== 'object' || target === null) throw invalidArgument('rollback needs { toRevision }');
    const toRevision = assertRevision(target.toRevision, 'toRevision');
    const current = await readRevision(this.options.redis, this.options.keys);
    const applied = await readAppliedAfter(this.options.redis, this.options.keys.history, toRevision);
    const changes = rollbackChanges(applied, toRevision, current);
    if (changes.length === 0) {
      throw new HotconfError(
        'E_NOTHING_TO_ROLL_BACK',
        `every key already has its value of revision ${toRevision} (the snapshot is at revision ${current})`,
      );
    }
    const { at, delayMs, actor, reason } = options;
    return this.options.schedule({ changes }, { at, delayMs, actor, reason }, 'rollback');
  }

  /** Defines a recurring change and schedules its first occurrence; an existing id is left as it is. */
  async scheduleRecurring(input: RecurringInput): Promise<{ id: string; nextRunAt: number | null }> {
    this.assertHistory();
    const definition = validateRecurring(input, this.options.maxKeyBytes);
    // The longest id an occurrence's message can carry: its revert's.
    const size = maxEnvelopeBytes(
      `${definition.id}:${'9'.repeat(13)}${REVERT_SUFFIX}`,
      definition.normalized,
    );
    if (size > this.options.maxMessageBytes) {
      throw new HotconfError(
        'E_PAYLOAD_TOO_LARGE',
        `recurring ${definition.id} makes a ${size}-byte message`,
      );
    }
    const times = nextOccurrences(definition, Date.now() - 1_000, PRECOMPUTED_OCCURRENCES);
    const encoded = encodeRecurring(definition, this.historyLimit, times);
    const [, current] = (await runScript(this.options.redis, 'recurringAdd', this.options.keys.all, [
      definition.id,
      encoded,
      this.options.keys.wakeChannel,
    ])) as [number, string];
    return {
      id: definition.id,
      nextRunAt: occurrenceRunAt(current),
    };
  }

  /** The recurring changes, with their next run. */
  async recurring(): Promise<RecurringChange[]> {
    const all = await this.options.redis.hgetall(this.options.keys.recurring);
    return Object.entries(all)
      .map(([id, encoded]) => decodeRecurring(id, encoded).record)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** Stops a recurring change and cancels its pending occurrence. False when it is unknown. */
  async cancelRecurring(id: string): Promise<boolean> {
    assertRecurringId(id);
    const removed = await runScript(this.options.redis, 'recurringCancel', this.options.keys.all, [id]);
    return removed === 1;
  }

  /** While the scheduler runs: `conflict` events, and recurring definitions kept supplied. */
  async start(onConflict: (event: ConflictEvent) => void, onError: (error: Error) => void): Promise<void> {
    if (this.historyLimit === 0 || this.running) return;
    const { redis, keys } = this.options;
    const watcher = new ConflictWatcher(redis, conflictChannel(keys.history), onConflict);
    const keeper = new RecurringKeeper(
      () => refillRecurring(redis, keys),
      this.options.recurringRefillMs ?? 10_000,
      onError,
    );
    this.running = { watcher, keeper };
    keeper.start();
    await watcher.start();
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    running?.watcher.stop();
    await running?.keeper.stop();
  }

  private async assertRevisionExists(revision: number): Promise<void> {
    const current = await readRevision(this.options.redis, this.options.keys);
    if (revision > current) {
      throw new HotconfError(
        'E_UNKNOWN_REVISION',
        `revision ${revision} does not exist yet (the snapshot is at revision ${current})`,
      );
    }
  }

  private assertHistory(): void {
    if (this.historyLimit === 0) {
      throw new HotconfError('E_HISTORY_OFF', 'release control needs history: historyLimit is 0');
    }
  }
}
