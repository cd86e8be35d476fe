import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeChanges } from '../config/change-set-codec.js';
import type { ChangeSetInput, NormalizedChange } from '../config/changes.js';
import { HotconfError, invalidArgument } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { MAX_BATCH } from '../queue/delay-queue.js';
import { generateId } from '../queue/generate-id.js';
import { assertPositiveInteger } from '../queue/validate.js';
import { connectRedis, releaseRedis, type RedisClient, type RedisConnection } from '../redis/connection.js';
import { ensureLayout } from '../redis/layout.js';
import { runScript } from '../redis/scripts.js';
import { checkRedisServer } from '../redis/server-check.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import { backoffDelay } from '../scheduler/backoff.js';
import type { RecipeIntake } from '../scheduler/types.js';
import { mapMember } from './map-member.js';
import { assertScoreUnit, msToScore, scoreToMs, type ScoreUnit } from './score-unit.js';
import type { DeadMember, RecipeBridgeEvents, RecipeBridgeOptions } from './types.js';

const DEFAULT_KEY = 'config:delayed:push';
/** How long stop() waits for a move stuck on an unreachable Redis before it closes the connection. */
const STOP_WAIT_MS = 2_000;

/** One member of the recipe's ZSET as read, and what it maps to. */
interface ReadMember {
  member: string;
  score: string;
  outcome: { change: ChangeSetInput; changes: NormalizedChange[]; runAt: number } | { reason: string };
}

/**
 * Moves the members of a recipe deployment's ZSET (`ZADD config:delayed:push <unix s> '{"key","value"}'`)
 * into hotconf as scheduled changes, keeping their time. On one Redis each batch moves in one Lua script
 * (lua/bridge-move.lua), so a member is never both left in the ZSET and scheduled, never lost and never
 * taken twice, however many bridges run. On Redis Cluster the recipe's key is in another slot: each member
 * is scheduled first under an id derived from member and score (a retried move repeats the id, which
 * changes nothing) and then removed from the ZSET (lua/bridge-release.lua).
 */
export class RecipeBridge extends EventEmitter<RecipeBridgeEvents> {
  private readonly connection: RedisConnection;
  private readonly scheduler: Scheduler;
  private readonly intake: RecipeIntake;
  private readonly key: string;
  private readonly deadKey: string;
  private readonly scoreUnit: ScoreUnit;
  private readonly mode: 'move' | 'due';
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly logger: Logger;
  private running: Promise<void> | undefined;
  private readonly stopping = new AbortController();

  constructor(options: RecipeBridgeOptions) {
    super();
    if (typeof options !== 'object' || options === null) throw invalidArgument('options are required');
    if (typeof (options.scheduler as Partial<Scheduler> | undefined)?.recipeIntake !== 'function') {
      throw invalidArgument('scheduler must be a Scheduler from createScheduler()');
    }
    const key = options.key ?? DEFAULT_KEY;
    if (typeof key !== 'string' || key.length === 0 || Buffer.byteLength(key) > 512) {
      throw invalidArgument(
        `key must be a non-empty string of at most 512 bytes (got ${JSON.stringify(key)})`,
      );
    }
    const scoreUnit = options.scoreUnit ?? 's';
    assertScoreUnit(scoreUnit);
    const mode = options.mode ?? 'move';
    if (mode !== 'move' && mode !== 'due') {
      throw invalidArgument(`mode must be 'move' or 'due' (got ${JSON.stringify(mode)})`);
    }
    if (mode === 'due' && scoreUnit === 'auto') {
      throw invalidArgument("mode 'due' needs scoreUnit 's' or 'ms': 'auto' cannot say which scores are due");
    }
    this.batchSize = assertPositiveInteger(options.batchSize ?? 100, 'batchSize', MAX_BATCH);
    this.pollMs = assertPositiveInteger(options.pollMs ?? 100, 'pollMs');
    this.intake = options.scheduler.recipeIntake();
    this.connection = connectRedis(options.redis);
    this.scheduler = options.scheduler;
    this.key = key;
    // Beside hotconf's keys (same hash tag), one dead list per recipe key.
    this.deadKey = `${this.intake.keys.deadReasons.replace(/dead-reasons$/, 'recipe-dead')}:${key}`;
    this.scoreUnit = scoreUnit;
    this.mode = mode;
    this.logger = options.logger ?? silentLogger;
  }

  private get redis(): RedisClient {
    return this.connection.client;
  }

  /** Starts moving members: at once and then every `pollMs` (in 'due' mode, also when the next falls due). */
  async start(): Promise<void> {
    this.assertOpen();
    this.running ??= this.run();
  }

  /**
   * Finishes the batch being moved, then stops (and closes the Redis connection if it made it). A move
   * still waiting on an unreachable Redis after 2 s is abandoned: it is atomic (on Cluster, safe to repeat),
   * so it either happened or the next bridge does it.
   */
  async stop(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    this.stopping.abort();
    await Promise.race([this.running, sleep(STOP_WAIT_MS, undefined, { ref: false })]);
    await releaseRedis(this.connection);
  }

  /**
   * Moves one batch of what there is to take now; resolves with how many members were scheduled and
   * dead-listed. start() runs it in a loop; an admin tool can call it alone.
   */
  async moveOnce(): Promise<{ scheduled: number; dead: number; read: number }> {
    this.assertOpen();
    const read = await this.readBatch();
    if (read.length === 0) return { scheduled: 0, dead: 0, read: 0 };
    const ids = this.redis.isCluster ? await this.moveOnCluster(read) : await this.moveAtomically(read);
    let scheduled = 0;
    let dead = 0;
    for (const [i, { member, score, outcome }] of read.entries()) {
      const id = ids[i];
      if (id === null || id === undefined) continue; // another bridge took it, or its score changed
      if ('changes' in outcome) {
        scheduled += 1;
      } else {
        dead += 1;
        this.logger.warn({ member, reason: outcome.reason }, 'hotconf: recipe member dead-listed');
        this.emit('dead', { id, member, score, reason: outcome.reason });
      }
    }
    if (scheduled + dead > 0) this.emit('moved', { scheduled, dead });
    return { scheduled, dead, read: read.length };
  }

  /** The members that could not be mapped, oldest first, with the reason. */
  async dead({ limit = 1000 }: { limit?: number } = {}): Promise<DeadMember[]> {
    this.assertOpen();
    assertPositiveInteger(limit, 'limit');
    const stored = await this.redis.hgetall(this.deadKey);
    return Object.entries(stored)
      .map(([id, value]) => {
        const separator = value.indexOf('|');
        const record = JSON.parse(value.slice(separator + 1)) as Omit<DeadMember, 'id' | 'at'>;
        return { id, ...record, at: Number(value.slice(0, separator)) };
      })
      .sort((a, b) => a.at - b.at || a.id.localeCompare(b.id))
      .slice(0, limit);
  }

  /** Removes these entries from the dead list; resolves with how many there were. */
  async purgeDead(ids: readonly string[]): Promise<number> {
    this.assertOpen();
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
      throw invalidArgument('purgeDead takes an array of dead-list ids');
    }
    return ids.length === 0 ? 0 : this.redis.hdel(this.deadKey, ...ids);
  }

  /** After stop() every call is refused, even when the Redis connection it was given is still open. */
  private assertOpen(): void {
    if (this.stopping.signal.aborted) throw new HotconfError('E_CLOSED', 'the bridge is stopped');
  }

  private async run(): Promise<void> {
    const { signal } = this.stopping;
    let failures = 0;
    while (!signal.aborted) {
      let waitMs: number;
      try {
        const { read } = await this.moveOnce();
        failures = 0;
        if (read === this.batchSize) continue; // there may be more to take now
        waitMs = await this.untilNextRead();
      } catch (error) {
        if (signal.aborted) break; // stop() closed the connection under it
        failures += 1;
        this.reportError(error as Error);
        waitMs = backoffDelay(failures + 1, this.pollMs, 30_000);
      }
      await sleep(waitMs, undefined, { signal }).catch(() => {});
    }
  }

  /** 'move' polls; 'due' also wakes when the earliest member falls due. */
  private async untilNextRead(): Promise<number> {
    if (this.mode === 'move') return this.pollMs;
    const head = await this.redis.zrange(this.key, 0, 0, 'WITHSCORES');
    const nextMs = head[1] === undefined ? null : scoreToMs(head[1], this.scoreUnit);
    if (nextMs === null) return this.pollMs;
    return Math.max(0, Math.min(this.pollMs, nextMs - (await this.serverNowMs())));
  }

  private async readBatch(): Promise<ReadMember[]> {
    const flat =
      this.mode === 'move'
        ? await this.redis.zrange(this.key, 0, this.batchSize - 1, 'WITHSCORES')
        : await this.redis.zrangebyscore(
            this.key,
            '-inf',
            msToScore(await this.serverNowMs(), this.scoreUnit as 's' | 'ms'),
            'WITHSCORES',
            'LIMIT',
            0,
            this.batchSize,
          );
    const read: ReadMember[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const member = flat[i]!;
      const score = flat[i + 1]!;
      read.push({ member, score, outcome: this.map(member, score) });
    }
    return read;
  }

  /** The member as a change checked like schedule()'s input, or why it cannot be one. */
  private map(member: string, score: string): ReadMember['outcome'] {
    const runAt = scoreToMs(score, this.scoreUnit);
    if (runAt === null) return { reason: `score ${score} is not a time` };
    const mapped = mapMember(member);
    if ('reason' in mapped) return mapped;
    try {
      // The id is checked for its size only; the real one is chosen when the member is moved.
      const changes = this.intake.check(mapped.change, derivedId(member, score), { at: runAt });
      return { change: mapped.change, changes, runAt };
    } catch (error) {
      if (error instanceof HotconfError) return { reason: `${error.code}: ${error.message}` };
      throw error;
    }
  }

  /**
   * One Redis: one script moves the batch. Each member moved gets a fresh id: two ZADDs are two changes.
   * Resolves with the id of each member moved, null for those no longer in the ZSET at the score read.
   */
  private async moveAtomically(read: readonly ReadMember[]): Promise<(string | null)[]> {
    const ids = read.map(() => generateId());
    const args: (string | number)[] = [this.intake.keys.wakeChannel];
    for (const [i, { member, score, outcome }] of read.entries()) {
      args.push(member, score, ids[i]!);
      if ('changes' in outcome) args.push('change', outcome.runAt, encodeChanges(outcome.changes));
      else args.push('dead', deadRecord(member, score, outcome.reason), '');
    }
    // As the scheduler's queue does before its scripts: a Redis too old, or a newer layout, is refused.
    await checkRedisServer(this.redis, this.logger);
    await ensureLayout(this.redis, this.intake.keys);
    const keys = [...this.intake.keys.all, this.deadKey, this.key];
    const moved = (await runScript(this.redis, 'bridgeMove', keys, args)) as number[];
    return moved.map((flag, i) => (flag === 1 ? ids[i]! : null));
  }

  /**
   * Redis Cluster: schedule (or dead-list) each member under an id derived from member and score, then
   * remove the members whose score is still the one read. A crash in between leaves members that the next
   * move schedules again under the same ids, which changes nothing.
   */
  private async moveOnCluster(read: readonly ReadMember[]): Promise<string[]> {
    const ids = read.map(({ member, score }) => derivedId(member, score));
    for (const [i, { member, score, outcome }] of read.entries()) {
      const id = ids[i]!;
      if ('changes' in outcome) {
        await this.scheduler.schedule(outcome.change, { id, at: outcome.runAt });
      } else {
        await this.redis.hsetnx(
          this.deadKey,
          id,
          `${await this.serverNowMs()}|${deadRecord(member, score, outcome.reason)}`,
        );
      }
    }
    const args = read.flatMap(({ member, score }) => [member, score]);
    await runScript(this.redis, 'bridgeRelease', [this.key], args);
    return ids;
  }

  private async serverNowMs(): Promise<number> {
    const [seconds, micros] = await this.redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  // An 'error' event with no listener would throw and take the host process down: log it instead.
  private reportError(error: Error): void {
    this.logger.error({ err: error }, 'hotconf: recipe bridge error');
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}

/** The id a member at a score always gets on Cluster, so that scheduling it again changes nothing. */
function derivedId(member: string, score: string): string {
  return `recipe-${createHash('sha256').update(`${score}\n${member}`).digest('base64url').slice(0, 22)}`;
}

function deadRecord(member: string, score: string, reason: string): string {
  return JSON.stringify({ member, score, reason });
}

export function createRecipeBridge(options: RecipeBridgeOptions): RecipeBridge {
  return new RecipeBridge(options);
}
