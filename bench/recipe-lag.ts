/**
 * End-to-end lag of a recipe deployment moved onto hotconf, as its own Go programs see it: from the Go
 * admin's ZADD (go-redis, score = the current Unix second, as the recipe's admin writes "now") to the Go
 * consumer's decode (go-nsq on config_push/channel1, json.Unmarshal into struct { Key; Value }), through
 * the recipe bridge, the scheduler with legacy publishing, and nsqd. The recipe itself: 0-30 s (a scan
 * every 30 s).
 *
 *   npm run build && npx tsx bench/recipe-lag.ts [--rate 100] [--seconds 10] [--out bench/results/recipe-lag.json]
 *
 * One run per bridge poll interval (100 ms, the default, and 20 ms); both times are taken by the Go
 * processes on this machine's clock.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { createRecipeBridge, createScheduler } from 'hotconf';
import { startGoAdmin, startGoConsumer, ensureRecipePeer } from '../local-services/recipe-peer.js';
import { startNsqd, startRedisServer } from '../local-services/services.js';
import { percentile, round } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '10' },
    out: { type: 'string', default: 'bench/results/recipe-lag.json' },
  },
});
const rate = Number(values.rate);
const total = rate * Number(values.seconds);

ensureRecipePeer();
const redisServer = await startRedisServer({ private: true });
const nsqd = await startNsqd({ private: true });

async function measure(pollMs: number) {
  const prefix = `recipe-lag-${pollMs}`;
  const key = `config:delayed:push:${pollMs}`;
  const legacyTopic = `config_push_${pollMs}`;
  const consumer = await startGoConsumer({ nsqd: nsqd.tcpAddress, topic: legacyTopic, channel: 'channel1' });
  const admin = await startGoAdmin({ redis: `${redisServer.host}:${redisServer.port}`, key });
  const scheduler = createScheduler({
    redis: redisServer.url,
    nsqd: nsqd.tcpAddress,
    topic: `${prefix}.changes`,
    prefix,
    legacy: { topic: legacyTopic },
  });
  await scheduler.start();
  const bridge = createRecipeBridge({ redis: redisServer.url, scheduler, key, pollMs });
  await bridge.start();

  const zaddAt = new Map<string, number>();
  const startedAt = Date.now();
  for (let i = 0; i < total; i++) {
    const wait = startedAt + (i * 1000) / rate - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const member = JSON.stringify({ key: `k${i}`, value: String(i) });
    zaddAt.set(`k${i}`, await admin.zadd(Math.floor(Date.now() / 1000), member));
  }
  await consumer.waitForCount(total, 30_000);
  const lags = consumer.decoded.map(({ Key, decodedAtMs }) => decodedAtMs - zaddAt.get(Key)!);
  await Promise.all([bridge.stop(), scheduler.stop(), admin.close(), consumer.stop()]);
  return {
    bridgePollMs: pollMs,
    changes: total,
    ratePerSec: rate,
    decoded: consumer.decoded.length,
    lagMs: {
      p50: percentile(lags, 50),
      p90: percentile(lags, 90),
      p99: percentile(lags, 99),
      max: Math.max(...lags),
      mean: round(lags.reduce((sum, lag) => sum + lag, 0) / lags.length),
    },
  };
}

try {
  const runs = [await measure(100), await measure(20)];
  const report = {
    date: new Date().toISOString(),
    what: 'Go admin ZADD -> recipe bridge -> scheduler (legacy publishing) -> nsqd -> Go consumer decode',
    recipeLagMs: { min: 0, max: 30_000 },
    runs,
  };
  await mkdir(dirname(values.out), { recursive: true });
  await writeFile(values.out, `${JSON.stringify(report, null, 2)}\n`);
  for (const run of runs) {
    const { p50, p99, max } = run.lagMs;
    console.log(
      `bridge poll ${run.bridgePollMs} ms, ${run.ratePerSec} changes/s, ${run.changes} changes: ` +
        `ZADD -> Go decode p50 ${p50} ms, p99 ${p99} ms, max ${max} ms (the recipe: 0-30,000 ms)`,
    );
  }
  console.log(`wrote ${values.out}`);
} finally {
  await nsqd.dispose();
  await redisServer.dispose();
}
