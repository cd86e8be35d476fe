import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StaleEvent } from '../../src/index.js';
import { useServices } from '../helpers/fixtures.js';
import { useDeployments } from './fixtures.js';

const services = useServices({ nsqd: true, private: true });
const deployment = useDeployments(services);
const backupDir = await mkdtemp(join(tmpdir(), 'hotconf-backup-'));
afterAll(() => rm(backupDir, { recursive: true, force: true }));

describe('faults', () => {
  it('converges through reconcile while nsqd is down, and hears live changes once it is back', async () => {
    const { startScheduler, subscribe } = deployment('nsqd-down');
    const scheduler = await startScheduler({ backoffMs: 100, maxBackoffMs: 500 });
    const subscriber = subscribe('svc', { reconcileMs: 300, nsqReconnectMs: 1_000 });
    await subscriber.ready();

    await services.nsqd.kill();
    await scheduler.schedule({ key: 'switch', value: 'on' }, { delayMs: 200 });
    await expect.poll(() => subscriber.get('switch'), { timeout: 5_000 }).toBe('on');
    expect(subscriber.stats.applied).toBe(0); // the snapshot brought it, not NSQ
    expect(subscriber.stats.reloads).toBeGreaterThanOrEqual(2);

    await services.nsqd.start();
    // The change held back while nsqd was down arrives now, and is a repeat.
    await expect.poll(() => subscriber.stats.dropped, { timeout: 10_000 }).toBe(1);
    await scheduler.schedule({ key: 'live', value: 1 });
    await expect.poll(() => subscriber.get('live'), { timeout: 10_000 }).toBe(1);
    // It came over NSQ too (a reconcile may have applied it a moment before, then it counts as dropped).
    const received = (): number => subscriber.stats.applied + subscriber.stats.dropped;
    await expect.poll(received, { timeout: 5_000 }).toBe(2);
  }, 30_000);

  it('serves the backup file when Redis is down at start, then switches to live data', async () => {
    const { startScheduler, subscribe } = deployment('backup');
    const backupFile = join(backupDir, 'svc.json');
    const scheduler = await startScheduler();
    await scheduler.schedule({
      changes: [
        { key: 'limit', value: 10 },
        { key: 'mode', value: 'fast' },
      ],
    });
    const first = subscribe('svc', { backupFile, backupDelayMs: 50 });
    await first.ready();
    await first.close();
    expect(JSON.parse(await readFile(backupFile, 'utf8'))).toMatchObject({
      values: { limit: 10, mode: 'fast' },
    });
    await scheduler.stop();

    await services.redis.kill();
    const second = subscribe('svc', { backupFile, retryMs: 200, redisTimeoutMs: 300 });
    expect(await second.ready({ timeoutMs: 5_000 })).toMatchObject({ source: 'backup' });
    expect(second.source).toBe('backup');
    expect(second.getAll()).toEqual({ limit: 10, mode: 'fast' });

    // Redis comes back empty (it keeps nothing on disk); a scheduler sets a new value there.
    await services.redis.start();
    const after = await startScheduler();
    await after.schedule({ key: 'limit', value: 20 });
    await expect.poll(() => second.source, { timeout: 5_000 }).toBe('redis');
    await expect.poll(() => second.get('limit'), { timeout: 5_000 }).toBe(20);
    expect(second.get('mode')).toBe('fast');
  }, 30_000);

  it('reports stale once Redis has not confirmed the config for staleAfterMs', async () => {
    const { startScheduler, subscribe } = deployment('stale');
    const scheduler = await startScheduler();
    await scheduler.schedule({ key: 'limit', value: 1 });
    const subscriber = subscribe('svc', { reconcileMs: 100, staleAfterMs: 600, redisTimeoutMs: 100 });
    const stale: StaleEvent[] = [];
    subscriber.on('stale', (event) => stale.push(event));
    await subscriber.ready();
    await scheduler.stop();
    const confirmedBefore = Date.now();

    await services.redis.kill();
    try {
      await expect.poll(() => stale.length, { timeout: 5_000 }).toBe(1);
      expect(stale[0]!.source).toBe('redis');
      expect(stale[0]!.lastRefreshedAt).toBeLessThanOrEqual(confirmedBefore);
      expect(subscriber.get('limit')).toBe(1); // the last good config is still served
    } finally {
      await services.redis.start();
    }
  });

  it('rejects ready() with E_TIMEOUT when Redis is down and there is no backup', async () => {
    const { subscribe } = deployment('no-backup');
    await services.redis.kill();
    try {
      const subscriber = subscribe('svc', { retryMs: 100, redisTimeoutMs: 100 });
      await expect(subscriber.ready({ timeoutMs: 500 })).rejects.toMatchObject({ code: 'E_TIMEOUT' });
      expect(subscriber.source).toBe('none');
    } finally {
      await services.redis.start();
    }
  });
});
