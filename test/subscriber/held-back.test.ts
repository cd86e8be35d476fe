import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FrozenConfig, RejectedEvent } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { PATH_TIMEOUT_MS, untilInEffect, useDeployments } from './fixtures.js';

const services = useServices({ nsqd: true });
const deployment = useDeployments(services);
const backupDir = await mkdtemp(join(tmpdir(), 'hotconf-held-back-'));
afterAll(() => rm(backupDir, { recursive: true, force: true }));

/** Refuses featureA = 'bad', accepts anything else. */
function refuseBadFeatureA(config: FrozenConfig): boolean {
  return config.featureA !== 'bad';
}

describe('a change validate refuses is held back, and holds back nothing else', () => {
  it('lets later changes to other keys in, also those only a reconcile delivers', async () => {
    const { topic, startScheduler, subscribe, stopScheduler } = deployment('held-back');
    const scheduler = await startScheduler();
    await scheduler.schedule({ key: 'featureA', value: 'good' });
    const subscriber = subscribe('svc', { validate: refuseBadFeatureA, reconcileMs: 200 });
    const rejected: RejectedEvent[] = [];
    subscriber.on('rejected', (event) => rejected.push(event));
    await subscriber.ready();

    // Refused over NSQ.
    const bad = await scheduler.schedule({ key: 'featureA', value: 'bad' });
    await expect.poll(() => rejected.length, { timeout: PATH_TIMEOUT_MS }).toBe(1);
    expect(rejected[0]).toMatchObject({
      id: bad.id,
      keys: ['featureA'],
      heldBack: ['featureA'],
      reason: { code: 'E_REJECTED' },
    });
    await stopScheduler(scheduler);

    // featureB reaches the snapshot only: its publish goes to a topic this subscriber does not read.
    const dark = await startScheduler({ topic: `${topic}-unread` });
    await dark.schedule({ key: 'featureB', value: 2 });
    await expect.poll(() => subscriber.get('featureB'), { timeout: PATH_TIMEOUT_MS }).toBe(2);
    expect(subscriber.get('featureA')).toBe('good');
    expect(subscriber.heldBack).toEqual(['featureA']);
    // Not recorded as seen: every reconcile loads the snapshot again, and reports the refusal once.
    const current = await dark.current();
    expect(subscriber.revision).toBeLessThan(current.revision);
    const reloads = subscriber.stats.reloads;
    await expect
      .poll(() => subscriber.stats.reloads, { timeout: PATH_TIMEOUT_MS })
      .toBeGreaterThan(reloads + 2);
    expect(rejected).toHaveLength(1);
    expect(subscriber.stats.rejected).toBe(1);

    // A newer good value releases the key; the revision is then the snapshot's.
    await dark.schedule({ key: 'featureA', value: 'fixed' });
    await expect.poll(() => subscriber.get('featureA'), { timeout: PATH_TIMEOUT_MS }).toBe('fixed');
    expect(subscriber.heldBack).toEqual([]);
    const after = await dark.current();
    await expect.poll(() => subscriber.revision, { timeout: PATH_TIMEOUT_MS }).toBe(after.revision);
    expect(subscriber.getAll()).toEqual(after.values);
  });

  it('merges a snapshot by change set: the parts validate accepts go in, the rest is held back', async () => {
    const { startScheduler, subscribe } = deployment('merge');
    const scheduler = await startScheduler();
    await scheduler.schedule({
      changes: [
        { key: 'featureA', value: 'bad' },
        { key: 'partner', value: 'with-a' },
      ],
    });
    await scheduler.schedule({ key: 'featureB', value: 2 });
    await scheduler.schedule({ key: 'featureC', value: 3 });
    // A cross-key rule as well: min <= max, where the change to max comes after the change to min.
    await scheduler.schedule({ key: 'min', value: 10 });
    await scheduler.schedule({ key: 'max', value: 20 });
    // All in the snapshot before the subscriber starts: this test is about merging a snapshot.
    await untilInEffect(scheduler, { featureA: 'bad', featureB: 2, featureC: 3, min: 10, max: 20 });

    const subscriber = subscribe('svc', {
      validate: (config) =>
        refuseBadFeatureA(config) && ((config.min ?? 0) as number) <= ((config.max ?? 5) as number),
    });
    const rejected: RejectedEvent[] = [];
    subscriber.on('rejected', (event) => rejected.push(event));
    expect(await subscriber.ready({ timeoutMs: PATH_TIMEOUT_MS })).toMatchObject({ source: 'redis' });
    // The whole change set that set featureA is held back, partner included.
    expect(subscriber.getAll()).toEqual({ featureB: 2, featureC: 3, min: 10, max: 20 });
    expect(subscriber.heldBack).toEqual(['featureA', 'partner']);
    expect(rejected).toEqual([
      expect.objectContaining({ id: null, keys: ['featureA', 'partner'], heldBack: ['featureA', 'partner'] }),
    ]);
    expect(subscriber.revision).toBe(0);
  });
});

describe('ready() never resolves with a config validate did not accept', () => {
  it('rejects with E_REJECTED when there is no backup, and resolves once an acceptable config exists', async () => {
    const { startScheduler, subscribe } = deployment('refused-start');
    const scheduler = await startScheduler();
    await scheduler.schedule({ key: 'featureA', value: 'bad' });
    await untilInEffect(scheduler, { featureA: 'bad' });
    const subscriber = subscribe('svc', { validate: refuseBadFeatureA, retryMs: 200 });
    const rejected: RejectedEvent[] = [];
    subscriber.on('rejected', (event) => rejected.push(event));

    await expect(subscriber.ready({ timeoutMs: PATH_TIMEOUT_MS })).rejects.toMatchObject({
      code: 'E_REJECTED',
      message: expect.stringContaining('featureA'),
    });
    expect(subscriber.source).toBe('none');
    expect(rejected).toEqual([expect.objectContaining({ keys: ['featureA'], heldBack: ['featureA'] })]);

    await scheduler.schedule({ key: 'featureA', value: 'good' });
    await expect
      .poll(() => subscriber.ready({ timeoutMs: PATH_TIMEOUT_MS }).catch((error: Error) => error), {
        timeout: PATH_TIMEOUT_MS,
      })
      .toMatchObject({ source: 'redis' });
    expect(subscriber.getAll()).toEqual({ featureA: 'good' });
    expect(rejected).toHaveLength(1);
  });

  it('rejects with E_REJECTED when validate refuses even the empty config of a new deployment', async () => {
    const { subscribe } = deployment('empty-refused');
    const subscriber = subscribe('svc', { validate: (config) => typeof config.limit === 'number' });
    const rejected: RejectedEvent[] = [];
    subscriber.on('rejected', (event) => rejected.push(event));
    await expect(subscriber.ready({ timeoutMs: PATH_TIMEOUT_MS })).rejects.toMatchObject({
      code: 'E_REJECTED',
    });
    expect(rejected).toEqual([expect.objectContaining({ id: null, keys: [], heldBack: [] })]);
  });

  it('serves the backup file for the keys the snapshot holds back', async () => {
    const { startScheduler, subscribe } = deployment('backup-fills');
    const backupFile = join(backupDir, 'fills.json');
    const scheduler = await startScheduler();
    await scheduler.schedule({ key: 'featureA', value: 'good' });
    await scheduler.schedule({ key: 'featureB', value: 1 });
    const first = subscribe('svc', { validate: refuseBadFeatureA, backupFile });
    await first.ready();
    await expect
      .poll(() => first.getAll(), { timeout: PATH_TIMEOUT_MS })
      .toEqual({ featureA: 'good', featureB: 1 });
    await first.close(); // writes the backup

    await scheduler.schedule({ key: 'featureA', value: 'bad' });
    await scheduler.schedule({ key: 'featureB', value: 2 });
    await untilInEffect(scheduler, { featureA: 'bad', featureB: 2 });
    const second = subscribe('svc', { validate: refuseBadFeatureA, backupFile });
    expect(await second.ready({ timeoutMs: PATH_TIMEOUT_MS })).toMatchObject({ source: 'redis' });
    expect(second.getAll()).toEqual({ featureA: 'good', featureB: 2 });
    expect(second.heldBack).toEqual(['featureA']);
  });
});
