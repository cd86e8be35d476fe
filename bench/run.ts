import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, parse } from 'node:path';
import { Redis } from 'ioredis';
import { startNsqd, startRedisServer } from '../local-services/services.js';
import { figures } from './figures.js';
import { parseBenchArgs } from './lib/args.js';
import { renderSvg } from './lib/chart.js';
import type { BenchContext } from './lib/context.js';
import { machineInfo } from './lib/machine.js';
import { runApplyRatePhase } from './phases/apply-rate.js';
import { runBullmqPhase } from './phases/bullmq.js';
import { runClaimPhase } from './phases/claim.js';
import { runEndToEndPhase } from './phases/end-to-end.js';
import { runHistoryCostPhase } from './phases/history-cost.js';
import { runLatencyPhase } from './phases/latency.js';
import { runMemoryPhase } from './phases/memory.js';
import { runNaivePhase } from './phases/naive.js';
import { runScalingPhase } from './phases/scaling.js';
import { buildReport } from './report.js';
import { formatSummary } from './summary.js';

// Room for a paused ephemeral channel to hold every message of the apply-rate phase: past
// --mem-queue-size an ephemeral channel drops messages, where a durable one would spill to disk.
const NSQD_ARGS = ['--mem-queue-size=1000000'];

const args = parseBenchArgs(process.argv.slice(2));
const startedAt = Date.now();
const redisServer = await startRedisServer({ private: true });
const nsqd = await startNsqd({ private: true, args: NSQD_ARGS });
const admin = new Redis(redisServer.url);
try {
  const context: BenchContext = {
    quick: args.quick,
    changes: args.quick ? 50_000 : 200_000,
    redisUrl: redisServer.url,
    nsqd: { tcpAddress: nsqd.tcpAddress, httpAddress: nsqd.httpAddress },
    admin,
  };
  // Each phase starts on an empty Redis, so that none measures what another left behind.
  const inOrder = async <T>(phase: (context: BenchContext) => Promise<T>): Promise<T> => {
    await admin.flushall();
    return phase(context);
  };
  const machine = await machineInfo(admin, nsqd.httpAddress);
  const results = {
    claim: await inOrder(runClaimPhase),
    naive: await inOrder(runNaivePhase),
    scaling: await inOrder(runScalingPhase),
    endToEnd: await inOrder(runEndToEndPhase),
    historyCost: await inOrder(runHistoryCostPhase),
    bullmq: await inOrder(runBullmqPhase),
    latency: await inOrder(runLatencyPhase),
    applyRate: await inOrder(runApplyRatePhase),
    memory: await inOrder(runMemoryPhase),
  };
  const run = {
    date: new Date(startedAt).toISOString(),
    quick: args.quick,
    wallTimeSec: Math.round((Date.now() - startedAt) / 1000),
    nsqdArgs: NSQD_ARGS,
  };
  const report = buildReport(run, machine, results);
  await mkdir(dirname(args.out), { recursive: true });
  await writeFile(args.out, `${JSON.stringify(report, null, 2)}\n`);
  const { dir, name } = parse(args.out);
  for (const figure of figures(report)) {
    await writeFile(join(dir, `${name}-${figure.name}.svg`), await renderSvg(figure.spec));
  }
  console.log(`\n${formatSummary(report)}\n\nwrote ${args.out} and its figures`);
} finally {
  await admin.quit();
  await nsqd.dispose();
  await redisServer.dispose();
}
