import type { BenchContext } from '../lib/context.js';
import { startPhase } from '../lib/progress.js';
import { percentile, round } from '../lib/stats.js';
import { measurePublishing, type EndToEndRun } from './end-to-end.js';

const SCHEDULERS = 4;
const BATCH_SIZE = 1000;

export interface HistoryCostResult {
  schedulers: number;
  batchSize: number;
  changes: number;
  /** Median end-to-end changes/s with history off (historyLimit 0) and on (the default, 10,000). */
  offOpsPerSec: number;
  onOpsPerSec: number;
  /** How much history costs: the median over pairs of 1 - on/off, in percent (the bound: 15). */
  costPercent: number;
  runs: (EndToEndRun & { history: boolean })[];
}

/**
 * End-to-end throughput with history off and on, in the same run, in pairs (off then on) so that a
 * machine that gets busier or quieter during the phase weighs on both alike; the cost is the median of
 * the pairs' costs (a shared machine makes single runs vary by half).
 */
export async function runHistoryCostPhase(context: BenchContext): Promise<HistoryCostResult> {
  const pairs = context.quick ? 3 : 5;
  const progress = startPhase('historyCost', pairs * 2);
  const runs: HistoryCostResult['runs'] = [];
  for (let pair = 0; pair < pairs; pair++) {
    for (const history of [false, true]) {
      progress.begin(`${context.changes} changes, history ${history ? 'on' : 'off'}`);
      await context.admin.flushall();
      const run = await measurePublishing(context, {
        schedulers: SCHEDULERS,
        batchSize: BATCH_SIZE,
        changes: context.changes,
        topic: `bench-history-${pair}-${history ? 'on' : 'off'}`,
        ...(history ? {} : { historyLimit: 0 }),
      });
      runs.push({ ...run, history });
      progress.done();
    }
  }
  const median = (values: number[]) => percentile(values, 50);
  const rates = (history: boolean) =>
    runs.filter((run) => run.history === history).map((run) => run.opsPerSec);
  const [off, on] = [rates(false), rates(true)];
  const offOpsPerSec = median(off);
  const onOpsPerSec = median(on);
  const costPercent = round(median(off.map((rate, pair) => (1 - on[pair]! / rate) * 100)), 1);
  progress.finish(`history off ${offOpsPerSec}/s, on ${onOpsPerSec}/s: costs ${costPercent} %`);
  return {
    schedulers: SCHEDULERS,
    batchSize: BATCH_SIZE,
    changes: context.changes,
    offOpsPerSec,
    onOpsPerSec,
    costPercent,
    runs,
  };
}
