import type { Redis } from 'ioredis';
import type { BenchContext } from '../lib/context.js';
import { FILL_PAYLOAD, fillQueue } from '../lib/fill.js';
import { startPhase } from '../lib/progress.js';
import { round } from '../lib/stats.js';

const PREFIX = 'bench-memory';
const PENDING = 100_000;
const DAY_MS = 86_400_000;

export interface MemoryResult {
  pending: number;
  payloadBytes: number;
  /** used_memory growth per pending item, payload included. */
  bytesPerChange: number;
  /** bytesPerChange less the payload: the queue's own cost per item (id, scores, hash entries). */
  overheadBytesPerChange: number;
}

/** Redis memory per pending change: INFO used_memory before and after scheduling PENDING items. */
export async function runMemoryPhase(context: BenchContext): Promise<MemoryResult> {
  const progress = startPhase('memory', 1);
  progress.begin(`${PENDING} pending items of ${FILL_PAYLOAD.length} payload bytes`);
  const before = await usedMemory(context.admin);
  await fillQueue(context.redisUrl, PREFIX, PENDING, { at: Date.now() + DAY_MS });
  const after = await usedMemory(context.admin);
  const bytesPerChange = (after - before) / PENDING;
  const result = {
    pending: PENDING,
    payloadBytes: FILL_PAYLOAD.length,
    bytesPerChange: round(bytesPerChange),
    overheadBytesPerChange: round(bytesPerChange - FILL_PAYLOAD.length),
  };
  progress.done();
  progress.finish(`${result.overheadBytesPerChange} bytes per pending change beyond the payload`);
  return result;
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}
