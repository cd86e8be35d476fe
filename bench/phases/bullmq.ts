import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { BenchContext } from '../lib/context.js';
import { Countdown } from '../lib/countdown.js';
import { startPhase } from '../lib/progress.js';
import { fastest, perSecond, totalDuplicates } from '../lib/stats.js';

const PREFIX = 'bench-bull';
const QUEUE = 'changes';
const ADD_CHUNK = 1000;
/** The jobs are added delayed, all due this long after the add starts (or as soon as added, if later). */
const DUE_AFTER_MS = 1000;
/** A concurrency that has not drained the jobs by then is measured over what it did. */
const RUN_BUDGET_MS = 90_000;

export interface BullmqRun {
  concurrency: number;
  jobs: number;
  processed: number;
  elapsedMs: number;
  opsPerSec: number;
  /** Processor calls beyond the first for a job id. */
  duplicates: number;
  drained: boolean;
}

export interface BullmqResult {
  /** The best concurrency's figures. */
  opsPerSec: number;
  concurrency: number;
  duplicates: number;
  jobs: number;
  runs: BullmqRun[];
}

/**
 * BullMQ on the same Redis (its own prefix) draining as many delayed jobs as the end-to-end phase
 * publishes, all due at once, with a no-op processor; jobs removed on completion, as hotconf's ack does.
 */
export async function runBullmqPhase(context: BenchContext): Promise<BullmqResult> {
  const concurrencies = context.quick ? [50, 500] : [1, 10, 50, 100, 500];
  const { hostname, port } = new URL(context.redisUrl);
  const connection: ConnectionOptions = { host: hostname, port: Number(port), maxRetriesPerRequest: null };
  const progress = startPhase('bullmq', concurrencies.length);
  const runs: BullmqRun[] = [];
  for (const concurrency of concurrencies) {
    progress.begin(`${context.changes} delayed jobs, concurrency ${concurrency}`);
    await context.admin.flushall();
    await addDelayedJobs(connection, context.changes);
    runs.push(await drainJobs(connection, concurrency, context.changes));
    progress.done();
  }
  const best = fastest(runs);
  progress.finish(`best ${best.opsPerSec} jobs/s at concurrency ${best.concurrency}`);
  return {
    opsPerSec: best.opsPerSec,
    concurrency: best.concurrency,
    duplicates: totalDuplicates(runs),
    jobs: context.changes,
    runs,
  };
}

async function addDelayedJobs(connection: ConnectionOptions, count: number): Promise<void> {
  const queue = new Queue(QUEUE, { connection, prefix: PREFIX });
  const dueAt = Date.now() + DUE_AFTER_MS;
  for (let first = 0; first < count; first += ADD_CHUNK) {
    const delay = Math.max(1, dueAt - Date.now());
    const size = Math.min(ADD_CHUNK, count - first);
    await queue.addBulk(
      Array.from({ length: size }, (_, i) => ({
        name: 'change',
        data: { key: `key-${first + i}`, value: first + i },
        opts: { delay, removeOnComplete: true, removeOnFail: true },
      })),
    );
  }
  await queue.close();
  await sleep(Math.max(0, dueAt - Date.now()));
}

async function drainJobs(
  connection: ConnectionOptions,
  concurrency: number,
  jobs: number,
): Promise<BullmqRun> {
  const calls = new Map<string, number>();
  const processed = new Countdown(jobs, { timeoutMs: RUN_BUDGET_MS, what: 'BullMQ jobs' });
  const startedAt = performance.now();
  const worker = new Worker(
    QUEUE,
    async (job) => {
      const previous = calls.get(job.id!) ?? 0;
      calls.set(job.id!, previous + 1);
      if (previous === 0) processed.tick();
    },
    { connection, prefix: PREFIX, concurrency },
  );
  let finishedAt: number;
  let drained = true;
  try {
    finishedAt = await processed.finished;
  } catch {
    finishedAt = performance.now();
    drained = false;
  }
  const done = processed.count;
  await worker.close();
  const elapsedMs = finishedAt - startedAt;
  let duplicates = 0;
  for (const count of calls.values()) duplicates += count - 1;
  return {
    concurrency,
    jobs,
    processed: done,
    elapsedMs: Math.round(elapsedMs),
    opsPerSec: perSecond(done, elapsedMs),
    duplicates,
    drained,
  };
}
