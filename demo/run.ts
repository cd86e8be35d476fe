// npm run demo: a scheduler and four instances of two services, each a process of its own, on a private
// redis-server and nsqd. Schedules a few changes seconds ahead and prints when each instance applied
// each of them, and how long after its effective time.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createScheduler, type ChangeSetInput } from 'hotconf';
import { startNsqd, startRedisServer } from '../local-services/services.js';
import type { DemoSettings, InstanceMessage } from './messages.js';

const INSTANCES = [
  ['checkout', 'eu-1'],
  ['checkout', 'eu-2'],
  ['checkout', 'us-1'],
  ['search', 'eu-1'],
] as const;
const WAIT_FOR_CHANGES_MS = 15_000;

/** The changes the demo schedules, `inMs` after the moment it schedules them. */
const PLAN: { label: string; inMs: number; change: ChangeSetInput }[] = [
  { label: 'switch=on', inMs: 2_000, change: { key: 'switch', value: 'on' } },
  {
    label: 'change set {limit, mode}',
    inMs: 3_000,
    change: {
      changes: [
        { key: 'limit', value: 100 },
        { key: 'mode', value: 'fast' },
      ],
    },
  },
  { label: 'delete legacy', inMs: 4_000, change: { key: 'legacy', deleted: true } },
  { label: 'switch=off', inMs: 5_000, change: { key: 'switch', value: 'off' } },
];

const time = (epochMs: number): string => new Date(epochMs).toISOString().slice(11, 23);

function start(script: string, settings: DemoSettings, ...args: string[]): ChildProcess {
  return fork(new URL(script, import.meta.url), [JSON.stringify(settings), ...args], { stdio: 'inherit' });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

async function main(): Promise<boolean> {
  const startedAt = Date.now();
  console.log('starting a private redis-server and nsqd …');
  const [redis, nsqd] = await Promise.all([
    startRedisServer({ private: true }),
    startNsqd({ private: true }),
  ]);
  const settings: DemoSettings = {
    redisUrl: redis.url,
    nsqd: nsqd.tcpAddress,
    nsqdHttp: nsqd.httpAddress,
    prefix: 'demo',
    topic: 'demo.changes',
  };
  const children: ChildProcess[] = [];
  // The admin side: schedules without running the loop, as an operator's tool would.
  const admin = createScheduler({ redis: settings.redisUrl, prefix: settings.prefix, topic: settings.topic });
  try {
    await admin.schedule({ key: 'legacy', value: true });

    const scheduler = start('./scheduler-process.ts', settings);
    children.push(scheduler);
    await once(scheduler, 'message');
    console.log(`scheduler running (pid ${scheduler.pid})`);

    const applied: Extract<InstanceMessage, { type: 'change' }>[] = [];
    const ready = INSTANCES.map(([service, instance]) => {
      const child = start('./service-instance.ts', settings, service, instance);
      children.push(child);
      return new Promise<Extract<InstanceMessage, { type: 'ready' }>>((resolve) => {
        child.on('message', (message: InstanceMessage) => {
          if (message.type === 'change') applied.push(message);
          else resolve(message);
        });
      });
    });
    for (const message of await Promise.all(ready)) {
      console.log(`${message.instance.padEnd(14)} ready at revision ${message.revision}`);
    }

    console.log('\nscheduling:');
    const scheduled = [];
    for (const { label, inMs, change } of PLAN) {
      const { id, effectiveAt } = await admin.schedule(change, { delayMs: inMs });
      scheduled.push({ id, label, effectiveAt, keys: 'changes' in change ? change.changes.length : 1 });
      console.log(`  ${label.padEnd(26)} effective at ${time(effectiveAt)}  (id ${id})`);
    }

    const expected = scheduled.reduce((sum, change) => sum + change.keys, 0) * INSTANCES.length;
    const deadline = Date.now() + WAIT_FOR_CHANGES_MS;
    while (applied.length < expected && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    console.log('\napplied (per instance, per change; lag = applied - effective time):');
    let missed = 0;
    for (const { id, label, effectiveAt } of scheduled) {
      console.log(`  ${label} @ ${time(effectiveAt)}`);
      for (const [service, instance] of INSTANCES) {
        const name = `${service}.${instance}`;
        const seen = applied.filter((change) => change.instance === name && change.id === id);
        if (seen.length === 0) missed += 1;
        const detail = seen.length
          ? `${time(seen[0]!.appliedAt)}  lag ${String(seen[0]!.appliedAt - effectiveAt).padStart(3)} ms  ` +
            seen.map((change) => `${change.key}=${JSON.stringify(change.newValue) ?? '(deleted)'}`).join(' ')
          : 'NOT APPLIED';
        console.log(`    ${name.padEnd(14)} ${detail}`);
      }
    }
    const final = await admin.current();
    console.log(`\nconfig now (revision ${final.revision}): ${JSON.stringify(final.values)}`);
    console.log(
      missed === 0 ? 'every instance applied every change' : `${missed} (instance, change) pairs missed`,
    );
    console.log(`demo took ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    return missed === 0;
  } finally {
    await Promise.all(children.map(stop));
    await admin.stop();
    await Promise.all([redis.dispose(), nsqd.dispose()]);
  }
}

process.exitCode = (await main()) ? 0 : 1;
