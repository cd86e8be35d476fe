import { createScheduler, type Scheduler } from 'hotconf';
import type { BenchContext } from '../lib/context.js';
import { Countdown } from '../lib/countdown.js';
import { fillScheduler } from '../lib/fill.js';
import { deleteTopic, topicMessageCount } from '../lib/nsqd-http.js';
import { startPhase } from '../lib/progress.js';
import { fastest, perSecond } from '../lib/stats.js';

const PREFIX = 'bench-e2e';
const CONFIG_KEYS = 10_000;
const MAX_IN_FLIGHT = 4;

export interface EndToEndRun {
  schedulers: number;
  batchSize: number;
  maxInFlight: number;
  changes: number;
  elapsedMs: number;
  opsPerSec: number;
  /** What nsqd's /stats counted on the run's topic: at least `changes` when every change reached it. */
  nsqMessages: number;
}

export interface EndToEndResult {
  /** The best run's figures. */
  opsPerSec: number;
  schedulers: number;
  batchSize: number;
  maxInFlight: number;
  changes: number;
  runs: EndToEndRun[];
}

/**
 * Scheduler throughput, claim → MPUB → ack: N changes are scheduled due at once before the schedulers
 * start, and the clock runs from their start until every change was reported `published`.
 */
export async function runEndToEndPhase(context: BenchContext): Promise<EndToEndResult> {
  const { changes } = context;
  const variants = (context.quick ? [1000] : [100, 1000]).flatMap((batchSize) =>
    (context.quick ? [1, 4] : [1, 2, 4]).map((schedulers) => ({ schedulers, batchSize })),
  );
  const progress = startPhase('endToEnd', variants.length);
  const runs: EndToEndRun[] = [];
  for (const [index, variant] of variants.entries()) {
    progress.begin(`${changes} changes, ${variant.schedulers} schedulers, batch ${variant.batchSize}`);
    await context.admin.flushall();
    runs.push(await measurePublishing(context, { ...variant, changes, topic: `bench-e2e-${index}` }));
    progress.done();
  }
  const best = fastest(runs);
  progress.finish(
    `best ${best.opsPerSec} changes/s (${best.schedulers} schedulers, batch ${best.batchSize})`,
  );
  const { opsPerSec, schedulers, batchSize, maxInFlight } = best;
  return { opsPerSec, schedulers, batchSize, maxInFlight, changes, runs };
}

/** One run: `historyLimit` 0 turns history (and release control) off; the default keeps it on. */
export async function measurePublishing(
  context: BenchContext,
  run: { schedulers: number; batchSize: number; changes: number; topic: string; historyLimit?: number },
): Promise<EndToEndRun> {
  const { redisUrl, nsqd } = context;
  const options = {
    redis: redisUrl,
    topic: run.topic,
    prefix: PREFIX,
    batchSize: run.batchSize,
    ...(run.historyLimit === undefined ? {} : { historyLimit: run.historyLimit }),
  };
  const admin = createScheduler(options);
  await fillScheduler(admin, run.changes, (index) => ({
    change: { key: `key-${index % CONFIG_KEYS}`, value: index },
  }));
  await admin.stop();

  const schedulers: Scheduler[] = Array.from({ length: run.schedulers }, () =>
    createScheduler({ ...options, nsqd: nsqd.tcpAddress, maxInFlight: MAX_IN_FLIGHT }),
  );
  const published = new Countdown(run.changes, { timeoutMs: 120_000, what: 'published events' });
  for (const scheduler of schedulers) scheduler.on('published', () => published.tick());
  const startedAt = performance.now();
  try {
    await Promise.all(schedulers.map((scheduler) => scheduler.start()));
    const finishedAt = await published.finished;
    const elapsedMs = finishedAt - startedAt;
    return {
      schedulers: run.schedulers,
      batchSize: run.batchSize,
      maxInFlight: MAX_IN_FLIGHT,
      changes: run.changes,
      elapsedMs: Math.round(elapsedMs),
      opsPerSec: perSecond(run.changes, elapsedMs),
      nsqMessages: await topicMessageCount(nsqd.httpAddress, run.topic),
    };
  } finally {
    await Promise.all(schedulers.map((scheduler) => scheduler.stop()));
    await deleteTopic(nsqd.httpAddress, run.topic);
  }
}
