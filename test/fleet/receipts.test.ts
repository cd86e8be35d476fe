import { afterEach, describe, expect, it } from 'vitest';
import { createConfigSubscriber, type Scheduler } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { testScheduler } from '../helpers/test-scheduler.js';
import { publishRaw } from '../helpers/nsq.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';
import { kill, useSubscriberProcesses } from './processes.js';

const services = useServices({ nsqd: true });
const startSubscriber = useSubscriberProcesses(services);
const running: Scheduler[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((scheduler) => scheduler.stop()));
});

const REPORT_INTERVAL_MS = 500;

async function deployment(label: string) {
  const prefix = uniquePrefix(label);
  const topic = `${prefix}.changes`;
  const scheduler = testScheduler(services, prefix);
  scheduler.on('error', (error) => {
    throw error;
  });
  running.push(scheduler);
  await scheduler.start();
  const subscribe = (service: string, instanceId: string, options: object = {}) =>
    startSubscriber({ prefix, topic }, service, instanceId, {
      reportIntervalMs: REPORT_INTERVAL_MS,
      ...options,
    });
  return { prefix, topic, scheduler, subscribe };
}

describe('receipts, fleet() and waitForApplied() with subscriber processes', () => {
  it('resolves with every instance and its lag, and names the instance that was SIGSTOPped', async () => {
    const { scheduler, subscribe } = await deployment('wait');
    const [a1, , b1] = await Promise.all([
      subscribe('api', 'a1'),
      subscribe('api', 'a2'),
      subscribe('worker', 'b1'),
    ]);
    await expect.poll(async () => (await scheduler.fleet()).length, { timeout: 5_000 }).toBe(3);

    const first = await scheduler.schedule({ key: 'switch', value: 'on' }, { delayMs: 300 });
    const applied = await scheduler.waitForApplied(first.id, { timeoutMs: 10_000 });
    expect(applied.missing).toEqual([]);
    expect(applied.effectiveAt).toBe(first.effectiveAt);
    expect(applied.instances.map((each) => `${each.service}/${each.instanceId}`)).toEqual([
      'api/a1',
      'api/a2',
      'worker/b1',
    ]);
    for (const instance of applied.instances) {
      expect(instance.appliedAt).toBeGreaterThanOrEqual(first.effectiveAt - 50); // clocks of one machine
      expect(instance.lagMs).toBe(instance.appliedAt - first.effectiveAt);
      expect(instance.lagMs).toBeLessThan(5_000);
    }
    // services narrows the instances waited for.
    const workers = await scheduler.waitForApplied(first.id, { timeoutMs: 0, services: ['worker'] });
    expect(workers.instances.map((each) => each.instanceId)).toEqual(['b1']);

    b1.child.kill('SIGSTOP');
    const second = await scheduler.schedule({ key: 'switch', value: 'off' });
    const partial = await scheduler.waitForApplied(second.id, { timeoutMs: 1_500 });
    expect(partial.instances.map((each) => each.instanceId)).toEqual(['a1', 'a2']);
    expect(partial.missing).toMatchObject([{ service: 'worker', instanceId: 'b1', pid: b1.child.pid }]);

    // Resumed, it reports again and gets the change from its channel.
    b1.child.kill('SIGCONT');
    await expect.poll(async () => (await scheduler.fleet()).length, { timeout: 5_000 }).toBe(3);
    const complete = await scheduler.waitForApplied(second.id, { timeoutMs: 10_000 });
    expect(complete.missing).toEqual([]);
    expect(complete.instances).toHaveLength(3);
    expect(a1.child.exitCode).toBeNull();
  }, 40_000);

  it('drops an instance that was SIGKILLed out of fleet() once its report expires, receipts later', async () => {
    const { prefix, scheduler, subscribe } = await deployment('killed');
    const retentionMs = 3_000;
    const [, doomed] = await Promise.all([
      subscribe('api', 'keeps', { receiptRetentionMs: retentionMs, reconcileMs: 300 }),
      subscribe('api', 'dies', { receiptRetentionMs: retentionMs, reconcileMs: 300 }),
    ]);
    const { id } = await scheduler.schedule({ key: 'limit', value: 1 });
    expect((await scheduler.waitForApplied(id, { timeoutMs: 10_000 })).missing).toEqual([]);
    // The revision an instance reports is the snapshot's it last loaded or confirmed (reconcile).
    await expect
      .poll(async () => (await scheduler.fleet()).map((each) => each.revision), { timeout: 5_000 })
      .toEqual([1, 1]);
    expect(await scheduler.fleet()).toMatchObject([
      { service: 'api', instanceId: 'dies', pid: doomed.child.pid, revision: 1, lagRevisions: 0 },
      { service: 'api', instanceId: 'keeps', lastChangeId: id, stale: false },
    ]);

    await kill(doomed.child, 'SIGKILL');
    const killedAt = Date.now();
    expect((await scheduler.fleet()).map((each) => each.instanceId)).toContain('dies');
    await expect
      .poll(async () => (await scheduler.fleet()).map((each) => each.instanceId), { timeout: 5_000 })
      .toEqual(['keeps']);
    // Its record lived out its TTL of 3 report intervals, not less.
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(2 * REPORT_INTERVAL_MS);

    const redis = connectRedis(services.redis.url);
    const receiptsKey = `{${prefix}}:receipts:api/dies`;
    expect(await redis.zscore(receiptsKey, id)).not.toBeNull();
    await expect.poll(() => redis.exists(receiptsKey), { timeout: retentionMs + 2_000 }).toBe(0);
  }, 30_000);

  it('counts a change set that arrived after a newer one for its keys as applied (superseded)', async () => {
    const { scheduler, subscribe, topic } = await deployment('superseded');
    await subscribe('api', 'one');
    const effectiveAt = Date.now();
    const envelope = (id: string, seq: number, value: string) =>
      JSON.stringify({
        v: 1,
        id,
        seq,
        effectiveAt,
        publishedAt: effectiveAt,
        changes: [{ key: 'mode', value }],
      });
    // Published by hand, newest first: the instance never applies 'older', it already holds newer.
    await publishRaw(services.nsqd.httpAddress, topic, envelope('newer', 2, 'new'));
    await publishRaw(services.nsqd.httpAddress, topic, envelope('older', 1, 'old'));
    const report = await scheduler.waitForApplied('older', { timeoutMs: 10_000 });
    expect(report).toMatchObject({ effectiveAt, missing: [], instances: [{ instanceId: 'one' }] });
    expect(report.instances[0]!.lagMs).toBe(report.instances[0]!.appliedAt - effectiveAt);
  }, 30_000);

  it('takes no instance that closed, and none that is not reporting (report: false)', async () => {
    const { scheduler, subscribe } = await deployment('off');
    const [closing] = await Promise.all([
      subscribe('api', 'closing'),
      subscribe('api', 'silent', { report: false }),
    ]);
    await expect
      .poll(async () => (await scheduler.fleet()).map((each) => each.instanceId))
      .toEqual(['closing']);
    await kill(closing.child, 'SIGTERM'); // close() takes the instance out at once
    expect(closing.child.exitCode).toBe(0); // by close(), not by the signal's default action
    expect(await scheduler.fleet()).toEqual([]);
    const { id } = await scheduler.schedule({ key: 'x', value: 1 });
    expect(await scheduler.waitForApplied(id, { timeoutMs: 1_000 })).toMatchObject({
      instances: [],
      missing: [],
    });
  }, 30_000);

  it('refuses bad arguments with E_INVALID_ARGUMENT before reading anything', async () => {
    const { scheduler } = await deployment('bad');
    await expect(scheduler.waitForApplied('a b', { timeoutMs: 1 })).rejects.toMatchObject({
      code: 'E_INVALID_ARGUMENT',
    });
    await expect(scheduler.waitForApplied('x', { timeoutMs: -1 })).rejects.toMatchObject({
      code: 'E_INVALID_ARGUMENT',
    });
    await expect(scheduler.waitForApplied('x', { timeoutMs: 1, pollMs: 2 ** 31 })).rejects.toMatchObject({
      code: 'E_INVALID_ARGUMENT',
    });
    await expect(
      scheduler.waitForApplied('x', null as unknown as { timeoutMs: number }),
    ).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    await expect(scheduler.fleet({ services: 'api' as unknown as string[] })).rejects.toMatchObject({
      code: 'E_INVALID_ARGUMENT',
    });
    for (const bad of [
      { report: 'yes' },
      { reportIntervalMs: 0 },
      { maxReceipts: 1.5 },
      { receiptRetentionMs: -1 },
    ]) {
      expect(() =>
        createConfigSubscriber({
          redis: 'redis://127.0.0.1:1', // never reached: the options are refused first
          nsqd: services.nsqd.tcpAddress,
          topic: 'bad',
          prefix: 'bad',
          service: 'api',
          ...(bad as object),
        }),
      ).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    }
  });

  it('keeps at most maxReceipts receipts per instance', async () => {
    const { prefix, scheduler, subscribe } = await deployment('bounded');
    await subscribe('api', 'small', { maxReceipts: 50 });
    const scheduled = await Promise.all(
      Array.from({ length: 200 }, (_, index) => scheduler.schedule({ key: `k${index}`, value: index })),
    );
    // One more, due well after the others were published: once it is applied, so are they.
    const final = await scheduler.schedule({ key: 'final', value: true }, { delayMs: 500 });
    const report = await scheduler.waitForApplied(final.id, { timeoutMs: 10_000 });
    expect(report.instances).toHaveLength(1);
    const redis = connectRedis(services.redis.url);
    const receiptsKey = `{${prefix}}:receipts:api/small`;
    const kept = await redis.zrange(receiptsKey, 0, -1);
    expect(kept).toContain(final.id);
    expect(kept.every((id) => id === final.id || scheduled.some((each) => each.id === id))).toBe(true);
    expect(await redis.zcard(receiptsKey)).toBe(50);
  }, 30_000);
});
