import type { MachineInfo } from './lib/machine.js';
import { round } from './lib/stats.js';
import type { ApplyRateResult } from './phases/apply-rate.js';
import type { BullmqResult } from './phases/bullmq.js';
import type { ClaimResult } from './phases/claim.js';
import type { EndToEndResult } from './phases/end-to-end.js';
import type { HistoryCostResult } from './phases/history-cost.js';
import type { LatencyResult } from './phases/latency.js';
import type { MemoryResult } from './phases/memory.js';
import type { NaiveResult } from './phases/naive.js';
import type { ScalingResult } from './phases/scaling.js';

export interface PhaseResults {
  claim: ClaimResult;
  naive: NaiveResult;
  scaling: ScalingResult;
  endToEnd: EndToEndResult;
  historyCost: HistoryCostResult;
  bullmq: BullmqResult;
  latency: LatencyResult;
  applyRate: ApplyRateResult;
  memory: MemoryResult;
}

export type Report = ReturnType<typeof buildReport>;

/** The JSON written by a run: headline figures at the top, every variant measured under `details`. */
export function buildReport(
  run: { date: string; quick: boolean; wallTimeSec: number; nsqdArgs: readonly string[] },
  machine: MachineInfo,
  results: PhaseResults,
) {
  const { claim, naive, scaling, endToEnd, historyCost, bullmq, latency, applyRate, memory } = results;
  const { curve, ...latencyFigures } = latency;
  return {
    date: run.date,
    mode: run.quick ? 'quick' : 'full',
    wallTimeSec: run.wallTimeSec,
    machine,
    services: { nsqdArgs: run.nsqdArgs },
    claim: claim.claim,
    claimAck: claim.claimAck,
    endToEnd: {
      opsPerSec: endToEnd.opsPerSec,
      schedulers: endToEnd.schedulers,
      batchSize: endToEnd.batchSize,
      maxInFlight: endToEnd.maxInFlight,
      changes: endToEnd.changes,
    },
    historyCost: {
      offOpsPerSec: historyCost.offOpsPerSec,
      onOpsPerSec: historyCost.onOpsPerSec,
      costPercent: historyCost.costPercent,
      schedulers: historyCost.schedulers,
      batchSize: historyCost.batchSize,
    },
    bullmq: {
      opsPerSec: bullmq.opsPerSec,
      concurrency: bullmq.concurrency,
      duplicates: bullmq.duplicates,
      jobs: bullmq.jobs,
    },
    naive,
    hotconf: { duplicates: claim.duplicates },
    latency: latencyFigures,
    applyRate,
    memory,
    ratios: {
      endToEndVsBullmq: round(endToEnd.opsPerSec / bullmq.opsPerSec, 2),
      claimVsNaive: round(claim.claim.opsPerSec / naive.opsPerSec, 2),
      claimAckVsClaim: round(claim.claimAck.opsPerSec / claim.claim.opsPerSec, 2),
    },
    details: {
      claim: { backlog: claim.backlog, runs: claim.runs },
      scaling,
      endToEnd: endToEnd.runs,
      historyCost: historyCost.runs,
      bullmq: bullmq.runs,
      latencyCurve: curve,
    },
  };
}
