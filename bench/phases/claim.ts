import { createDelayQueue, type DelayQueue } from 'hotconf';
import type { BenchContext } from '../lib/context.js';
import { fillQueue } from '../lib/fill.js';
import { startPhase } from '../lib/progress.js';
import { perSecond, totalDuplicates } from '../lib/stats.js';

const PREFIX = 'bench-claim';
const BACKLOG = 200_000;
const WARM_UP_ITEMS = 100_000;
/** A claimer that has not drained the backlog by then stops; the run is then marked not drained. */
const RUN_BUDGET_MS = 30_000;
/** The headline configuration the targets are stated for. */
const HEADLINE = { batch: 100, claimers: 4 };

export interface ClaimRun {
  batch: number;
  claimers: number;
  /** Claim+ack when true, claim-only when false. */
  ack: boolean;
  items: number;
  elapsedMs: number;
  opsPerSec: number;
  /** Items handed to more than one claim. */
  duplicates: number;
  /** True when the whole backlog was claimed, so every item is known to have come out exactly once. */
  drained: boolean;
}

export interface ClaimResult {
  claim: { opsPerSec: number; batch: number; claimers: number };
  claimAck: { opsPerSec: number; batch: number; claimers: number };
  backlog: number;
  duplicates: number;
  runs: ClaimRun[];
}

/** Claims/s of the delay queue over a backlog of due items, per batch size and number of claimers. */
export async function runClaimPhase(context: BenchContext): Promise<ClaimResult> {
  const batches = context.quick ? [HEADLINE.batch] : [1, 10, 100, 1000];
  const claimerCounts = context.quick ? [HEADLINE.claimers] : [1, 4, 8];
  const variants = batches.flatMap((batch) =>
    claimerCounts.flatMap((claimers) => [false, true].map((ack) => ({ batch, claimers, ack }))),
  );
  const progress = startPhase('claim', variants.length);
  // Untimed: a first pass compiles the client's claim path, as in a scheduler that has been running
  // for a while. Measured, a cold first pass came out ~15% slower than the same pass run again.
  await fillQueue(context.redisUrl, PREFIX, WARM_UP_ITEMS);
  await measureClaims(context.redisUrl, { ...HEADLINE, ack: true });
  const runs: ClaimRun[] = [];
  for (const variant of variants) {
    progress.begin(`batch ${variant.batch} × ${variant.claimers} claimers${variant.ack ? ' + ack' : ''}`);
    await context.admin.flushall();
    await fillQueue(context.redisUrl, PREFIX, BACKLOG);
    runs.push(await measureClaims(context.redisUrl, variant));
    progress.done();
  }
  const headline = (ack: boolean): ClaimRun =>
    runs.find(
      (run) => run.ack === ack && run.batch === HEADLINE.batch && run.claimers === HEADLINE.claimers,
    )!;
  const claimOnly = headline(false);
  const claimAck = headline(true);
  progress.finish(`${claimOnly.opsPerSec} claims/s, ${claimAck.opsPerSec} claim+ack/s`);
  return {
    claim: { opsPerSec: claimOnly.opsPerSec, ...HEADLINE },
    claimAck: { opsPerSec: claimAck.opsPerSec, ...HEADLINE },
    backlog: BACKLOG,
    duplicates: totalDuplicates(runs),
    runs,
  };
}

async function measureClaims(
  redisUrl: string,
  { batch, claimers, ack }: { batch: number; claimers: number; ack: boolean },
): Promise<ClaimRun> {
  // Each claimer on its own connection, connected before the clock starts.
  const queues = Array.from({ length: claimers }, () =>
    createDelayQueue({ redis: redisUrl, prefix: PREFIX, leaseMs: 600_000 }),
  );
  await Promise.all(queues.map((queue) => queue.stats()));
  const seen = new Set<string>();
  let duplicates = 0;
  let drained = true;
  const startedAt = performance.now();
  const claimUntilEmpty = async (queue: DelayQueue): Promise<void> => {
    while (performance.now() - startedAt < RUN_BUDGET_MS) {
      const { items } = await queue.claim({ max: batch });
      if (items.length === 0) return;
      for (const { id } of items) {
        if (seen.has(id)) duplicates += 1;
        else seen.add(id);
      }
      if (ack) await queue.ack(items);
    }
    drained = false;
  };
  await Promise.all(queues.map(claimUntilEmpty));
  const elapsedMs = performance.now() - startedAt;
  await Promise.all(queues.map((queue) => queue.close()));
  const items = seen.size + duplicates;
  return {
    batch,
    claimers,
    ack,
    items,
    elapsedMs: Math.round(elapsedMs),
    opsPerSec: perSecond(items, elapsedMs),
    duplicates,
    drained: drained && seen.size === BACKLOG,
  };
}
