import { describe, expect, it } from 'vitest';
import { type AppliedReport, type FleetInstance, type ScheduledChange } from 'hotconf';
import { parseJson, runCli } from '../cli/run-cli.js';
import { useServices } from '../helpers/fixtures.js';
import { testScheduler } from '../helpers/test-scheduler.js';
import { uniquePrefix } from '../helpers/redis.js';
import { useSubscriberProcesses } from './processes.js';

const services = useServices({ nsqd: true });
const startSubscriber = useSubscriberProcesses(services);

function deployment(label: string) {
  const prefix = uniquePrefix(label);
  const topic = `${prefix}.changes`;
  const connection = ['--redis', services.redis.url, '--prefix', prefix, '--topic', topic];
  return {
    hotconf: (...args: string[]) => runCli([...args, ...connection]),
    subscribe: (service: string, instanceId: string) =>
      // Its record outlives a stopped instance by 3 intervals: longer than a CLI start on a busy machine.
      startSubscriber({ prefix, topic }, service, instanceId, { reportIntervalMs: 2_000 }),
    /** The claim → publish loop, in this process. */
    async startScheduler() {
      const scheduler = testScheduler(services, prefix);
      await scheduler.start();
      return scheduler;
    },
  };
}

describe('hotconf fleet and schedule --wait', () => {
  it('lists the instances reporting, by service', async () => {
    const { hotconf, subscribe } = deployment('cli-fleet');
    const [api] = await Promise.all([subscribe('api', 'a1'), subscribe('worker', 'w1')]);
    const all = parseJson<FleetInstance[]>(await hotconf('fleet', '--json'));
    expect(all.map((each) => `${each.service}/${each.instanceId}`)).toEqual(['api/a1', 'worker/w1']);
    const workers = parseJson<FleetInstance[]>(await hotconf('fleet', '--service', 'worker', '--json'));
    expect(workers).toMatchObject([{ service: 'worker', instanceId: 'w1', stale: false }]);

    const text = await hotconf('fleet');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`api/a1`);
    expect(text.stdout).toContain(`pid ${api.child.pid}`);
  }, 30_000);

  it('--wait prints when each instance applied the change and exits 1 when one did not', async () => {
    const { hotconf, subscribe, startScheduler } = deployment('cli-wait');
    const [, stopped] = await Promise.all([subscribe('api', 'a1'), subscribe('api', 'a2')]);
    const scheduler = await startScheduler();

    const applied = parseJson<ScheduledChange & { applied: AppliedReport }>(
      await hotconf('schedule', 'switch=on', '--wait', '--timeout', '8s', '--json'),
    );
    expect(applied.applied.missing).toEqual([]);
    expect(applied.applied.instances.map((each) => each.instanceId)).toEqual(['a1', 'a2']);

    stopped.child.kill('SIGSTOP');
    // Longer than a report interval, so that the running instance's receipt is in; shorter than 3.
    const result = await hotconf('schedule', 'switch=off', '--wait', '--timeout', '4s');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/1 applied, 1 missing/);
    expect(result.stdout).toMatch(/api\/a1 {2}applied \d{4}-/);
    expect(result.stdout).toMatch(/api\/a2 {2}MISSING/);
    stopped.child.kill('SIGCONT');
    await scheduler.stop();
  }, 30_000);

  it('refuses --timeout without --wait', async () => {
    const { hotconf } = deployment('cli-usage');
    const result = await hotconf('schedule', 'a=1', '--timeout', '1s');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--timeout goes with --wait/);
  });
});
