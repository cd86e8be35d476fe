import type { Logger } from '../logger.js';
import type { RedisOption } from '../redis/connection.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { ScoreUnit } from './score-unit.js';

export interface RecipeBridgeOptions {
  /**
   * The Redis holding the recipe's ZSET: the scheduler's own Redis or Cluster (an ioredis instance, left
   * open by `stop()`, or a redis:// URL).
   */
  redis: RedisOption;
  /** The members become this scheduler's changes (its prefix, checks and sizes). */
  scheduler: Scheduler;
  /** The recipe's ZSET. Default `config:delayed:push`. */
  key?: string;
  /** Scores in Unix seconds (the recipe's, default), ms, or 'auto' (below 1e11 seconds, else ms). */
  scoreUnit?: ScoreUnit;
  /**
   * 'move' (default): take every member as soon as it appears, so hotconf holds it (pending, cancel).
   * 'due': leave members in the ZSET until they are due (the recipe's tools can still ZREM them).
   */
  mode?: 'move' | 'due';
  /** Members per atomic move (1-1000). Default 100. */
  batchSize?: number;
  /** How often the ZSET is read when it had nothing to take. Default 100 ms. */
  pollMs?: number;
  /** pino-compatible logger; silent by default. */
  logger?: Logger;
}

/** A member the bridge could not map to a change, taken out of the recipe's ZSET. */
export interface DeadMember {
  id: string;
  member: string;
  /** The score it had, as Redis wrote it. */
  score: string;
  reason: string;
  /** When it was dead-listed, epoch ms by the Redis server clock. */
  at: number;
}

export interface BridgeMovedEvent {
  /** Members scheduled into hotconf. */
  scheduled: number;
  /** Members that went to the dead list. */
  dead: number;
}

export interface RecipeBridgeEvents {
  moved: [BridgeMovedEvent];
  dead: [Omit<DeadMember, 'at'>];
  error: [Error];
}
