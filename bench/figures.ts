import type { TopLevelSpec } from 'vega-lite';
import type { Report } from './report.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** One SVG per figure, named `<json name>-<figure>.svg`. */
export function figures(report: Report): { name: string; spec: TopLevelSpec }[] {
  const { details } = report;
  return [
    {
      name: 'throughput',
      spec: {
        $schema: SCHEMA,
        title: 'Items per second (distinct items; higher is better)',
        width: 400,
        data: {
          values: [
            { system: 'hotconf claim', perSec: report.claim.opsPerSec },
            { system: 'hotconf claim+ack', perSec: report.claimAck.opsPerSec },
            { system: 'hotconf end to end', perSec: report.endToEnd.opsPerSec },
            { system: 'BullMQ', perSec: report.bullmq.opsPerSec },
            { system: 'naive recipe', perSec: report.naive.opsPerSec },
          ],
        },
        mark: 'bar',
        encoding: {
          y: { field: 'system', type: 'nominal', sort: null, title: null },
          x: { field: 'perSec', type: 'quantitative', title: 'items/s' },
        },
      },
    },
    {
      name: 'claim',
      spec: {
        $schema: SCHEMA,
        title: `Delay-queue claims over ${details.claim.backlog.toLocaleString('en-US')} due items`,
        data: {
          values: details.claim.runs.map((run) => ({ ...run, mode: run.ack ? 'claim+ack' : 'claim' })),
        },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'batch', type: 'quantitative', scale: { type: 'log' }, title: 'batch size' },
          y: { field: 'opsPerSec', type: 'quantitative', title: 'items/s' },
          color: { field: 'claimers', type: 'ordinal', title: 'claimers' },
          column: { field: 'mode', type: 'nominal', title: null },
        },
      },
    },
    {
      name: 'scaling',
      spec: {
        $schema: SCHEMA,
        title: `One claim of ${details.scaling.batch} beside future items`,
        data: { values: details.scaling.runs },
        mark: { type: 'line', point: true },
        encoding: {
          x: {
            field: 'future',
            type: 'quantitative',
            scale: { type: 'log' },
            title: 'future items in the set',
          },
          y: { field: 'claimMicros', type: 'quantitative', title: 'µs per claim', scale: { zero: true } },
        },
      },
    },
    {
      name: 'end-to-end',
      spec: {
        $schema: SCHEMA,
        title: `Scheduler claim → MPUB → ack, ${report.endToEnd.changes.toLocaleString('en-US')} changes`,
        data: { values: details.endToEnd },
        mark: 'bar',
        encoding: {
          x: { field: 'schedulers', type: 'ordinal', title: 'schedulers' },
          xOffset: { field: 'batchSize', type: 'ordinal' },
          y: { field: 'opsPerSec', type: 'quantitative', title: 'changes/s' },
          color: { field: 'batchSize', type: 'ordinal', title: 'batch size' },
        },
      },
    },
    {
      name: 'bullmq',
      spec: {
        $schema: SCHEMA,
        title: `BullMQ draining ${report.bullmq.jobs.toLocaleString('en-US')} delayed jobs`,
        data: { values: details.bullmq },
        mark: { type: 'line', point: true },
        encoding: {
          x: {
            field: 'concurrency',
            type: 'quantitative',
            scale: { type: 'log' },
            title: 'worker concurrency',
          },
          y: { field: 'opsPerSec', type: 'quantitative', title: 'jobs/s' },
        },
      },
    },
    {
      name: 'latency',
      spec: {
        $schema: SCHEMA,
        title: `Lag behind the due time at ${report.latency.changesPerSec} changes/s`,
        data: { values: details.latencyCurve },
        transform: [{ fold: ['publishedMs', 'publishedEventMs', 'appliedMs'], as: ['stage', 'lagMs'] }],
        mark: 'line',
        encoding: {
          x: { field: 'percentile', type: 'quantitative', title: 'percentile' },
          y: { field: 'lagMs', type: 'quantitative', title: 'ms after due' },
          color: { field: 'stage', type: 'nominal', title: null },
        },
      },
    },
  ];
}
