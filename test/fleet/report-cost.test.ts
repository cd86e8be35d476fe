import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, expect, it } from 'vitest';
import { useServices } from '../helpers/fixtures.js';
import { testScheduler } from '../helpers/test-scheduler.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';
import { useSubscriberProcesses } from './processes.js';

// Private: MONITOR must see this file's traffic only.
const services = useServices({ nsqd: true, private: true });
const startSubscriber = useSubscriberProcesses(services);

const CHANGES_PER_SECOND = 1_000;
const SECONDS = 4;
const REPORT_INTERVAL_MS = 1_000;

const figures: string[] = [];
afterAll(() => console.log(figures.join('\n')));

it('reports with one MULTI per interval and a constant number of commands, at 1,000 changes/s', async () => {
  const prefix = uniquePrefix('cost');
  const topic = `${prefix}.changes`;
  const scheduler = testScheduler(services, prefix);
  await scheduler.start();
  const instanceIds = ['one', 'two'];
  await Promise.all(
    instanceIds.map((instanceId) =>
      startSubscriber({ prefix, topic }, 'api', instanceId, {
        // Named connections, so the commands each instance sends can be told apart.
        redis: `${services.redis.url}?connectionName=sub-${instanceId}`,
        reportIntervalMs: REPORT_INTERVAL_MS,
      }),
    ),
  );
  const redis = connectRedis(services.redis.url);
  const clients = ((await redis.client('LIST')) as string).split('\n');
  const addressOf = new Map<string, string>();
  for (const line of clients) {
    const name = /\bname=sub-(\S+)/.exec(line)?.[1];
    const addr = /\baddr=(\S+)/.exec(line)?.[1];
    if (name && addr) addressOf.set(addr, name);
  }
  expect([...addressOf.values()].sort()).toEqual(instanceIds);

  const commands = new Map<string, { total: number; multi: number }>();
  const monitor = await connectRedis(services.redis.url).monitor();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    const instance = addressOf.get(source);
    if (instance === undefined) return;
    const counts = commands.get(instance) ?? { total: 0, multi: 0 };
    counts.total += 1;
    if (args[0]?.toLowerCase() === 'multi') counts.multi += 1;
    commands.set(instance, counts);
  });

  const startedAt = Date.now();
  let lastId = '';
  for (let tick = 0; tick < SECONDS * 10; tick += 1) {
    const batch = await Promise.all(
      Array.from({ length: CHANGES_PER_SECOND / 10 }, (_, index) =>
        scheduler.schedule({ key: `key-${index}`, value: tick }),
      ),
    );
    lastId = batch.at(-1)!.id;
    await sleep(Math.max(0, startedAt + (tick + 1) * 100 - Date.now()));
  }
  const elapsedSeconds = (Date.now() - startedAt) / 1_000;
  monitor.disconnect();
  const last = await scheduler.waitForApplied(lastId, { timeoutMs: 15_000 });
  expect(last.missing).toEqual([]);
  expect(last.instances).toHaveLength(2);

  for (const instanceId of instanceIds) {
    const { total, multi } = commands.get(instanceId)!;
    figures.push(
      `report cost, instance ${instanceId}: ${(total / elapsedSeconds).toFixed(1)} commands/s, ` +
        `${(multi / elapsedSeconds).toFixed(2)} MULTI/s over ${elapsedSeconds.toFixed(1)} s ` +
        `at ${CHANGES_PER_SECOND} changes/s`,
    );
    // At most one report (one MULTI ... EXEC round trip) per interval, whatever the change rate.
    expect(multi).toBeGreaterThanOrEqual(Math.floor(elapsedSeconds) - 1);
    expect(multi).toBeLessThanOrEqual(Math.ceil((elapsedSeconds * 1_000) / REPORT_INTERVAL_MS));
    // A report is 13 commands at most (MULTI, 11 writes, EXEC), and nothing else runs per change.
    expect(total).toBeLessThanOrEqual(multi * 13 + 2); // + the reconcile's GET, once in 30 s
    // And the receipts of those 4,000 change sets are all there.
    const receiptsKey = `{${prefix}}:receipts:api/${instanceId}`;
    expect(await redis.zcard(receiptsKey)).toBe(SECONDS * CHANGES_PER_SECOND);
    const bytes = Number(await redis.call('MEMORY', 'USAGE', receiptsKey));
    figures.push(
      `receipts of instance ${instanceId}: ${(bytes / (SECONDS * CHANGES_PER_SECOND)).toFixed(0)} bytes each`,
    );
  }
  await scheduler.stop();
}, 60_000);
