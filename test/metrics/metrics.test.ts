import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { registerMetrics } from 'hotconf/metrics';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createConfigSubscriber, createScheduler } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { uniquePrefix } from '../helpers/redis.js';

const services = useServices({ nsqd: true });

/** The value of one series in exposition text, or undefined when it is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('registerMetrics (hotconf/metrics)', () => {
  it('exposes scheduler and subscriber series after real traffic', async () => {
    const prefix = uniquePrefix('metrics');
    const topic = `${prefix}.changes`;
    const common = { redis: services.redis.url, nsqd: services.nsqd.tcpAddress, topic, prefix };
    const scheduler = createScheduler(common);
    const subscriber = createConfigSubscriber({ ...common, service: 'api', reconcileMs: 200 });
    const registry = new Registry();
    const metrics = registerMetrics({ scheduler, subscriber, registry });
    try {
      await scheduler.start();
      await subscriber.ready();
      for (let index = 0; index < 3; index += 1) await scheduler.schedule({ key: 'n', value: index });
      await scheduler.schedule({ key: 'later', value: 1 }, { delayMs: 3_600_000 });
      await expect.poll(() => subscriber.stats.applied, { timeout: 10_000 }).toBe(3);
      // One revision per claim that changed something: the three may have shared a claim.
      const { revision } = await scheduler.current();
      await expect.poll(() => subscriber.revision, { timeout: 5_000 }).toBe(revision);

      const text = await registry.metrics();
      expect(sample(text, 'hotconf_scheduler_published_total')).toBe(3);
      expect(sample(text, 'hotconf_scheduler_requeued_total')).toBe(0);
      expect(sample(text, 'hotconf_scheduler_conflicts_total')).toBe(0);
      expect(sample(text, 'hotconf_scheduler_publish_lag_seconds_count')).toBe(3);
      expect(sample(text, 'hotconf_queue_changes{state="scheduled"}')).toBe(1);
      expect(sample(text, 'hotconf_queue_changes{state="due"}')).toBe(0);
      expect(sample(text, 'hotconf_queue_changes{state="processing"}')).toBe(0);
      expect(sample(text, 'hotconf_queue_changes{state="awaiting_publish"}')).toBe(0);
      expect(sample(text, 'hotconf_queue_changes{state="dead"}')).toBe(0);
      expect(sample(text, 'hotconf_queue_oldest_due_lag_seconds')).toBe(0);
      expect(sample(text, 'hotconf_subscriber_applied_total')).toBe(3);
      expect(sample(text, 'hotconf_subscriber_dropped_total')).toBe(0);
      expect(sample(text, 'hotconf_subscriber_rejected_total')).toBe(0);
      expect(sample(text, 'hotconf_subscriber_malformed_total')).toBe(0);
      expect(sample(text, 'hotconf_subscriber_revision')).toBe(revision);
      expect(sample(text, 'hotconf_subscriber_stale')).toBe(0);
      expect(sample(text, 'hotconf_subscriber_apply_lag_seconds_count')).toBe(3);
      expect(sample(text, 'hotconf_subscriber_apply_lag_seconds_bucket{le="+Inf"}')).toBe(3);
      expect(text).toContain('# TYPE hotconf_subscriber_apply_lag_seconds histogram');
      // Bounded labels: no change id or config key in any series.
      const labels = text.split('\n').filter((line) => /^hotconf_\w+\{/.test(line));
      expect(labels.every((line) => /^hotconf_\w+\{(state|le)="[^"]*"\}/.test(line))).toBe(true);

      metrics.unregister();
      expect(await registry.metrics()).not.toContain('hotconf_');
    } finally {
      metrics.unregister();
      await subscriber.close();
      await scheduler.stop();
    }
  }, 30_000);

  it('refuses to register nothing', () => {
    expect(() => registerMetrics({})).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
  });

  it('is not loaded by the main entry: hotconf works without prom-client', async () => {
    const script = `require('hotconf'); console.log(Object.keys(require.cache).filter((path) => path.includes('prom-client')).length)`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script]);
    expect(stdout.trim()).toBe('0');
    const esm = `await import('hotconf'); const { createRequire } = await import('node:module'); console.log(Object.keys(createRequire(import.meta.url).cache).filter((path) => path.includes('prom-client')).length)`;
    const { stdout: esmOut } = await promisify(execFile)(process.execPath, [
      '--input-type=module',
      '-e',
      esm,
    ]);
    expect(esmOut.trim()).toBe('0');
  });
});
