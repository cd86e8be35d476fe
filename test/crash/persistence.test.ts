import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createScheduler, type ScheduledChange } from 'hotconf';
import { afterAll, describe, expect, it } from 'vitest';
import { useServices } from '../helpers/fixtures.js';
import { HotconfProcess } from '../helpers/hotconf-process.js';
import { uniquePrefix } from '../helpers/redis.js';

const CHANGES = 300;
/** Redis is SIGKILLed when this many changes have been scheduled, and restarted from its directory. */
const KILL_AT = [100, 200];
const REDIS_DOWN_MS = 1_000;
/** After the last change is in everywhere, how long no further change event may come (none twice). */
const QUIET_MS = 2_000;

// A redis-server that persists every write before it answers (AOF, appendfsync always) is SIGKILLed and
// started again from its directory twice, while a scheduler process and a subscriber process run and
// changes are scheduled, some falling due while Redis is down. Each change sets a key of its own, so
// each must show up exactly once in the subscriber's change events.
describe('crash consistency on a Redis with appendfsync always', () => {
  const services = useServices({
    nsqd: true,
    private: true,
    redisArgs: ['--appendonly', 'yes', '--appendfsync', 'always'],
  });
  const processes: HotconfProcess[] = [];
  afterAll(() => Promise.all(processes.map((child) => child.kill())));

  it('every schedule() that resolved takes effect once, and scheduler and subscriber carry on by themselves', async () => {
    const prefix = uniquePrefix('crash');
    const settings = { redis: services.redis.url, nsqd: services.nsqd.tcpAddress, topic: prefix, prefix };
    const scheduler = new HotconfProcess('scheduler', { ...settings, leaseMs: 2_000 });
    const subscriber = new HotconfProcess('subscriber', { ...settings, service: 'crash' });
    processes.push(scheduler, subscriber);
    await Promise.all([scheduler.start(), subscriber.start()]);

    // The test's own client schedules. It fails at once while Redis is down (no offline queue, no
    // retries of its own), so that calls are retried here, by id, some after their write made it.
    const redis = new Redis(services.redis.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false });
    redis.on('error', () => {}); // expected while Redis is down
    const admin = createScheduler({ redis, topic: prefix, prefix });
    const scheduled = new Map<string, ScheduledChange & { n: number }>();
    let retries = 0;
    /** Retried with the same id until it resolves: a stable id makes a retry harmless. */
    const scheduleUntilResolved = async (n: number): Promise<void> => {
      const id = `change-${n}`;
      for (;;) {
        try {
          const when = { delayMs: (n * 37) % 400 }; // some fall due while Redis is down
          const result = await admin.schedule({ key: `k${n}`, value: n }, { id, ...when });
          scheduled.set(id, { ...result, n });
          return;
        } catch {
          retries += 1;
          await sleep(100);
        }
      }
    };

    const inFlight: Promise<void>[] = [];
    let restarted = Promise.resolve();
    for (let n = 0; n < CHANGES; n++) {
      if (KILL_AT.includes(n)) {
        await restarted;
        await services.redis.kill();
        // Schedules go on failing (and being retried) while it is down.
        restarted = sleep(REDIS_DOWN_MS).then(() => services.redis.start());
      }
      inFlight.push(scheduleUntilResolved(n));
      await sleep(10);
    }
    await Promise.all([...inFlight, restarted]);
    expect(retries).toBeGreaterThan(0); // Redis really was down under some schedule() calls
    expect(scheduled.size).toBe(CHANGES);

    const expected = Object.fromEntries([...scheduled.values()].map(({ n }) => [`k${n}`, n]));
    await expect
      .poll(async () => (await admin.current()).values, { timeout: 30_000, interval: 200 })
      .toEqual(expected);
    await expect.poll(() => subscriber.getAll(), { timeout: 30_000, interval: 200 }).toEqual(expected);
    await sleep(QUIET_MS);

    // In effect once each: one change event per id, none from a repeat, no id missing.
    const fromMessages = subscriber.changes.filter((change) => change.id !== null);
    const perId = new Map<string, number>();
    for (const { id } of fromMessages) perId.set(id!, (perId.get(id!) ?? 0) + 1);
    expect([...perId.values()].filter((count) => count > 1)).toEqual([]);
    // A change can reach the subscriber by a snapshot reload instead of NSQ; then it has no id.
    const reloadedKeys = new Set(subscriber.changes.filter((change) => change.id === null).map((c) => c.key));
    const missing = [...scheduled.keys()].filter(
      (id) => !perId.has(id) && !reloadedKeys.has(`k${scheduled.get(id)!.n}`),
    );
    expect(missing).toEqual([]);
    // The same processes throughout: nobody restarted them.
    expect(scheduler.running && subscriber.running).toBe(true);
    expect(await subscriber.getAll()).toEqual(expected);
    await admin.stop();
    redis.disconnect();
  }, 120_000);
});
