import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createScheduler, type HistoryEntry } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';
import { useDeployments } from '../subscriber/fixtures.js';
import { eventually } from './wait.js';

const services = useServices({ nsqd: true });
const deployment = useDeployments(services);

const occurrenceTime = (id: string) => Number(id.slice(id.lastIndexOf(':') + 1));

describe('recurring changes', () => {
  it('fires each occurrence at its cron instant in its time zone, reverts it after durationMs, and stops when cancelled', async () => {
    const { startScheduler } = deployment('recurring');
    const scheduler = await startScheduler();
    const defined = await scheduler.scheduleRecurring({
      id: 'pulse',
      cron: '*/2 * * * * *', // every 2 s
      timezone: 'Europe/Berlin',
      change: { key: 'mode', value: 'burst' },
      durationMs: 500,
      actor: 'ana',
      reason: 'load test',
    });
    expect(defined.nextRunAt! % 2_000).toBe(0);
    expect(
      await scheduler.scheduleRecurring({ id: 'pulse', cron: '* * * * *', change: { key: 'x', value: 1 } }),
    ).toEqual(defined); // an existing id is left as it is
    const [listed] = await scheduler.recurring();
    expect(listed).toMatchObject({
      id: 'pulse',
      cron: '*/2 * * * * *',
      timezone: 'Europe/Berlin',
      durationMs: 500,
      changes: [{ key: 'mode', value: 'burst' }],
      nextRunAt: defined.nextRunAt,
    });

    const applied = await eventually(async () => {
      const entries = (await scheduler.history({ limit: 1_000 })).filter(
        (entry) => entry.event === 'applied',
      );
      return entries.filter((entry) => entry.kind === 'revert').length >= 3 ? entries.reverse() : undefined;
    }, 12_000);
    expect(await scheduler.cancelRecurring('pulse')).toBe(true);
    expect(await scheduler.cancelRecurring('pulse')).toBe(false);
    expect(await scheduler.recurring()).toEqual([]);

    const occurrences = applied.filter((entry) => entry.kind === 'recurring');
    const reverts = applied.filter((entry) => entry.kind === 'revert');
    occurrences.forEach((entry, i) => {
      expect(entry.effectiveAt).toBe(defined.nextRunAt! + i * 2_000);
      expect(entry.id).toBe(`pulse:${entry.effectiveAt}`);
      expect(entry.at - entry.effectiveAt).toBeLessThan(1_000); // on time, by the Redis clock
      expect(entry).toMatchObject({
        actor: 'ana',
        reason: 'load test',
        changes: [{ key: 'mode', value: 'burst' }],
      });
    });
    reverts.forEach((entry, i) => {
      expect(entry.effectiveAt).toBe(occurrences[i]!.effectiveAt + 500);
      expect(entry.changes).toEqual([{ key: 'mode', deleted: true }]);
    });
    // Nothing further fires once cancelled.
    const countAfterCancel = (await scheduler.history({ limit: 1_000 })).filter(
      (e) => e.kind === 'recurring' && e.event === 'applied',
    ).length;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const later = (await scheduler.history({ limit: 1_000 })).filter(
      (e) => e.kind === 'recurring' && e.event === 'applied',
    );
    expect(later).toHaveLength(countAfterCancel);
    expect((await scheduler.pending()).filter((change) => change.id.startsWith('pulse:'))).toEqual([]);
  }, 30_000);

  it('skips an occurrence cancelled by itself and goes on with the next one', async () => {
    const { startScheduler } = deployment('recurring-cancel-one');
    const scheduler = await startScheduler({ recurringRefillMs: 200 });
    const { nextRunAt } = await scheduler.scheduleRecurring({
      id: 'daily',
      cron: '0 3 * * *',
      change: { key: 'k', value: 1 },
    });
    expect(await scheduler.cancel(`daily:${nextRunAt}`)).toBe(true);
    // The next refill (every 200 ms here) schedules the occurrence after the cancelled one.
    const [pending] = await eventually(async () => {
      const list = await scheduler.pending();
      return list.length === 1 ? list : undefined;
    });
    const following = nextRunAt! + 86_400_000; // 03:00 UTC the day after
    expect(pending).toMatchObject({ id: `daily:${following}`, effectiveAt: following });
    expect((await scheduler.recurring())[0]?.nextRunAt).toBe(following);
    await scheduler.cancelRecurring('daily');
  });

  it('refuses a bad definition with E_INVALID_ARGUMENT and writes nothing', async () => {
    const { prefix } = deployment('recurring-bad');
    const redis = connectRedis(services.redis.url);
    const admin = createScheduler({ redis, topic: 't', prefix });
    const change = { key: 'k', value: 1 };
    for (const input of [
      { id: 'r', cron: 'every day', change },
      { id: 'r', cron: '0 22 * * *', timezone: 'Europe/Atlantis', change },
      { id: 'r', cron: '0 22 * * *', change, durationMs: -5 },
      { id: 'bad id', cron: '0 22 * * *', change },
      { id: 'r', cron: '0 22 * * *', change: { key: '' } },
      { id: 'r', cron: '0 22 * * *', change, actor: 'x'.repeat(129) },
    ]) {
      await expect(admin.scheduleRecurring(input as never)).rejects.toMatchObject({
        code: 'E_INVALID_ARGUMENT',
      });
    }
    expect(await redis.keys(`{${prefix}}:*`)).toEqual([]);
  });
});

describe('recurring changes and SIGKILL', () => {
  it('a scheduler killed around each occurrence neither misses nor doubles one', async () => {
    const prefix = uniquePrefix('recurring-kill');
    const topic = `${prefix}.changes`;
    const admin = createScheduler({ redis: connectRedis(services.redis.url), topic, prefix });
    const startProcess = async (): Promise<ChildProcess> => {
      const child = fork(
        new URL('../scheduler/fixtures/scheduler-process.mjs', import.meta.url),
        [services.redis.url, services.nsqd.tcpAddress, prefix, topic, '1000'],
        { stdio: 'ignore' },
      );
      await once(child, 'message');
      return child;
    };
    const processes = [await startProcess(), await startProcess()];
    const { nextRunAt } = await admin.scheduleRecurring({
      id: 'beat',
      cron: '* * * * * *',
      change: { key: 'beat', value: 'on' },
    });
    // Kill one of the two schedulers at a different offset around each of 6 occurrences, and start
    // another in its place: before the claim, just at it, and just after it (holding the lease).
    for (const [round, offsetMs] of [-40, -5, 0, 5, 20, 60].entries()) {
      const occurrence = nextRunAt! + (round + 1) * 1_000;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, occurrence + offsetMs - Date.now())));
      const doomed = processes.shift()!;
      doomed.kill('SIGKILL');
      await once(doomed, 'exit');
      processes.push(await startProcess());
    }
    const lastChecked = nextRunAt! + 7_000;
    const applied = await eventually(async () => {
      const entries = (await admin.history({ limit: 10_000 })).filter(
        (entry) => entry.event === 'applied' && entry.kind === 'recurring',
      );
      return entries.some((entry) => entry.effectiveAt >= lastChecked) ? entries : undefined;
    }, 10_000);
    expect(await admin.cancelRecurring('beat')).toBe(true);
    for (const child of processes) child.kill('SIGKILL');

    const times = applied.map((entry: HistoryEntry) => occurrenceTime(entry.id)).sort((a, b) => a - b);
    const expected = Array.from(
      { length: times.at(-1)! / 1_000 - nextRunAt! / 1_000 + 1 },
      (_, i) => nextRunAt! + i * 1_000,
    );
    expect(times).toEqual(expected); // every second from the first: none missed, none twice
    const scheduled = (await admin.history({ limit: 10_000 })).filter(
      (entry) => entry.event === 'scheduled' && entry.kind === 'recurring',
    );
    expect(new Set(scheduled.map((entry) => entry.id)).size).toBe(scheduled.length);
    await admin.stop();
  }, 40_000);
});
