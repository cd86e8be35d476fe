import type { Report } from './report.js';

interface Row {
  figure: string;
  value: number;
  unit: string;
  /** The design's target; rows without one are context. */
  target?: { at: number; better: 'higher' | 'lower' };
}

function rows(report: Report): Row[] {
  const {
    claim,
    claimAck,
    endToEnd,
    historyCost,
    bullmq,
    naive,
    hotconf,
    latency,
    applyRate,
    memory,
    ratios,
  } = report;
  const higher = (at: number) => ({ at, better: 'higher' as const });
  const lower = (at: number) => ({ at, better: 'lower' as const });
  return [
    {
      figure: `claim, batch ${claim.batch} × ${claim.claimers}`,
      value: claim.opsPerSec,
      unit: 'items/s',
      target: higher(250_000),
    },
    {
      figure: `claim+ack, batch ${claimAck.batch} × ${claimAck.claimers}`,
      value: claimAck.opsPerSec,
      unit: 'items/s',
      target: higher(150_000),
    },
    { figure: 'hotconf duplicates', value: hotconf.duplicates, unit: '', target: lower(0) },
    {
      figure: `end to end, ${endToEnd.schedulers} sched. × batch ${endToEnd.batchSize}`,
      value: endToEnd.opsPerSec,
      unit: 'changes/s',
      target: higher(80_000),
    },
    { figure: 'end to end, history off', value: historyCost.offOpsPerSec, unit: 'changes/s' },
    { figure: 'end to end, history on', value: historyCost.onOpsPerSec, unit: 'changes/s' },
    { figure: 'history cost', value: historyCost.costPercent, unit: '%', target: lower(15) },
    { figure: `BullMQ, concurrency ${bullmq.concurrency}`, value: bullmq.opsPerSec, unit: 'jobs/s' },
    { figure: 'end to end ÷ BullMQ', value: ratios.endToEndVsBullmq, unit: '×', target: higher(10) },
    { figure: `naive recipe, ${naive.workers} workers`, value: naive.opsPerSec, unit: 'items/s' },
    { figure: 'naive recipe duplicates', value: naive.duplicates, unit: `of ${naive.items}` },
    { figure: 'due → published p50', value: latency.dueToPublishedP50Ms, unit: 'ms' },
    { figure: 'due → published p99', value: latency.dueToPublishedP99Ms, unit: 'ms', target: lower(10) },
    { figure: 'due → published event p99', value: latency.dueToPublishedEventP99Ms, unit: 'ms' },
    {
      figure: `due → applied p50 (${latency.subscribers} subs)`,
      value: latency.dueToAppliedP50Ms,
      unit: 'ms',
    },
    {
      figure: `due → applied p99 (${latency.subscribers} subs)`,
      value: latency.dueToAppliedP99Ms,
      unit: 'ms',
      target: lower(25),
    },
    {
      figure: `apply in process, ${applyRate.configKeys} keys`,
      value: applyRate.opsPerSec,
      unit: 'changes/s',
      target: higher(100_000),
    },
    {
      figure: `delivered by nsqd + applied, ${applyRate.configKeys} keys`,
      value: applyRate.deliveredOpsPerSec,
      unit: 'changes/s',
    },
    {
      figure: 'Redis bytes per change beyond payload',
      value: memory.overheadBytesPerChange,
      unit: 'bytes',
      target: lower(250),
    },
  ];
}

/** The summary table: each figure, its target and whether it was met. */
export function formatSummary(report: Report): string {
  const lines = rows(report).map(({ figure, value, unit, target }) => {
    const mark = target === undefined ? '' : meets(value, target) ? 'pass' : 'MISS';
    const goal =
      target === undefined
        ? ''
        : `${target.better === 'higher' ? '≥' : '≤'} ${target.at.toLocaleString('en-US')}`;
    return [
      figure.padEnd(42),
      `${value.toLocaleString('en-US')} ${unit}`.padEnd(22),
      goal.padEnd(12),
      mark,
    ].join(' ');
  });
  const header = `${'figure'.padEnd(42)} ${'measured'.padEnd(22)} ${'target'.padEnd(12)} mark`;
  return [
    `hotconf bench (${report.mode}, ${report.wallTimeSec} s)`,
    header,
    '-'.repeat(header.length),
    ...lines,
  ].join('\n');
}

function meets(value: number, target: { at: number; better: 'higher' | 'lower' }): boolean {
  return target.better === 'higher' ? value >= target.at : value <= target.at;
}
