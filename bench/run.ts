import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Redis } from 'ioredis';
import { startNsqd, startRedisServer } from '../local-services/services.js';
import { parseBenchArgs } from './lib/args.js';
import type { BenchContext } from './lib/context.js';
import { machineInfo } from './lib/machine.js';
import { runClaimPhase } from './phases/claim.js';
import { runEndToEndPhase } from './phases/end-to-end.js';
import { runNaivePhase } from './phases/naive.js';
import { runScalingPhase } from './phases/scaling.js';

const args = parseBenchArgs(process.argv.slice(2));
const startedAt = Date.now();
const redisServer = await startRedisServer({ private: true });
const nsqd = await startNsqd({ private: true });
const admin = new Redis(redisServer.url);
try {
  const context: BenchContext = {
    quick: args.quick,
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
  const claim = await inOrder(runClaimPhase);
  const naive = await inOrder(runNaivePhase);
  const scaling = await inOrder(runScalingPhase);
  const endToEnd = await inOrder(runEndToEndPhase);
  const results = {
    date: new Date(startedAt).toISOString(),
    mode: args.quick ? 'quick' : 'full',
    machine,
    claim: claim.claim,
    claimAck: claim.claimAck,
    endToEnd: {
      opsPerSec: endToEnd.opsPerSec,
      schedulers: endToEnd.schedulers,
      batchSize: endToEnd.batchSize,
      maxInFlight: endToEnd.maxInFlight,
    },
    naive,
    hotconf: { duplicates: claim.duplicates },
    details: {
      claim: { backlog: claim.backlog, runs: claim.runs },
      scaling,
      endToEnd: { changes: endToEnd.changes, runs: endToEnd.runs },
    },
    wallTimeSec: Math.round((Date.now() - startedAt) / 1000),
  };
  await mkdir(dirname(args.out), { recursive: true });
  await writeFile(args.out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote ${args.out}`);
} finally {
  await admin.quit();
  await nsqd.dispose();
  await redisServer.dispose();
}
