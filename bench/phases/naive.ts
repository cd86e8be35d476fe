import { Redis } from 'ioredis';
import type { BenchContext } from '../lib/context.js';
import { startPhase } from '../lib/progress.js';
import { perSecond } from '../lib/stats.js';

const KEY = 'bench-naive:due';
const WORKERS = 4;
const SCAN_LIMIT = 100;
const ITEMS = 20_000;

export interface NaiveResult {
  opsPerSec: number;
  duplicates: number;
  items: number;
  workers: number;
  /** Every publish the recipe made: items plus duplicates. */
  publishes: number;
}

/**
 * The recipe hotconf replaces, on the same Redis: each worker reads due items with ZRANGEBYSCORE … LIMIT,
 * publishes all it read, and ZREMs them one by one. Every item returned to a second worker is counted
 * as a duplicate publish. Rate: distinct items out per second.
 */
export async function runNaivePhase(context: BenchContext): Promise<NaiveResult> {
  const progress = startPhase('naive', 1);
  progress.begin(`${ITEMS} due items, ${WORKERS} workers`);
  await fillDueSet(context.admin, ITEMS);
  const workers = Array.from({ length: WORKERS }, () => new Redis(context.redisUrl));
  await Promise.all(workers.map((worker) => worker.ping()));
  const published = new Set<string>();
  let duplicates = 0;
  const startedAt = performance.now();
  const runRecipe = async (redis: Redis): Promise<void> => {
    // Stops when the set is empty: each pass removes what it read, so passes are bounded.
    for (;;) {
      const due = await redis.zrangebyscore(KEY, '-inf', Date.now(), 'LIMIT', 0, SCAN_LIMIT);
      if (due.length === 0) return;
      for (const id of due) {
        if (published.has(id)) duplicates += 1;
        else published.add(id);
        await redis.zrem(KEY, id);
      }
    }
  };
  await Promise.all(workers.map(runRecipe));
  const elapsedMs = performance.now() - startedAt;
  await Promise.all(workers.map((worker) => worker.quit()));
  const result = {
    opsPerSec: perSecond(published.size, elapsedMs),
    duplicates,
    items: ITEMS,
    workers: WORKERS,
    publishes: published.size + duplicates,
  };
  progress.done();
  progress.finish(`${result.opsPerSec} items/s, ${duplicates} duplicate publishes`);
  return result;
}

async function fillDueSet(redis: Redis, count: number): Promise<void> {
  const dueAt = Date.now() - 1;
  for (let first = 0; first < count; first += 10_000) {
    const members: (string | number)[] = [];
    for (let i = first; i < Math.min(count, first + 10_000); i++) members.push(dueAt, `change-${i}`);
    await redis.zadd(KEY, ...members);
  }
}
