import { createDelayQueue } from 'hotconf';
import type { BenchContext } from '../lib/context.js';
import { fillQueue } from '../lib/fill.js';
import { startPhase } from '../lib/progress.js';
import { round } from '../lib/stats.js';

const PREFIX = 'bench-scaling';
const DUE = 50_000;
const BATCH = 100;
const DAY_MS = 86_400_000;

export interface ScalingRun {
  /** Items scheduled a day ahead, beside the due ones. */
  future: number;
  claims: number;
  /** Mean time of one claim of BATCH items, in µs. */
  claimMicros: number;
}

export interface ScalingResult {
  batch: number;
  due: number;
  runs: ScalingRun[];
}

/** The cost of one claim (batch 100) as the number of future items beside the due ones grows. */
export async function runScalingPhase(context: BenchContext): Promise<ScalingResult> {
  const futureCounts = context.quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
  const progress = startPhase('scaling', futureCounts.length);
  const runs: ScalingRun[] = [];
  for (const future of futureCounts) {
    progress.begin(`${DUE} due beside ${future} future items`);
    await context.admin.flushall();
    await fillQueue(context.redisUrl, PREFIX, future, { at: Date.now() + DAY_MS });
    await fillQueue(context.redisUrl, PREFIX, DUE);
    runs.push({ future, ...(await timeClaims(context.redisUrl)) });
    progress.done();
  }
  progress.finish(runs.map((run) => `${run.future}: ${run.claimMicros} µs`).join(', '));
  return { batch: BATCH, due: DUE, runs };
}

/** Claims the due items one batch after another on one connection; the mean time of a claim. */
async function timeClaims(redisUrl: string): Promise<{ claims: number; claimMicros: number }> {
  const queue = createDelayQueue({ redis: redisUrl, prefix: PREFIX, leaseMs: 600_000 });
  await queue.stats();
  let claims = 0;
  const startedAt = performance.now();
  // Bounded: every claim takes BATCH of the DUE items, and the future ones never fall due.
  while ((await queue.claim({ max: BATCH })).items.length > 0) claims += 1;
  const elapsedMs = performance.now() - startedAt;
  await queue.close();
  return { claims, claimMicros: round((elapsedMs * 1000) / claims) };
}
