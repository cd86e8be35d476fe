import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StaleEvent } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { publishRaw } from '../helpers/nsq.js';
import {
  envelopeBody,
  isOutageError,
  PATH_TIMEOUT_MS,
  untilChannelExists,
  useDeployments,
} from './fixtures.js';

const services = useServices({ nsqd: true, private: true });
const deployment = useDeployments(services);
const backupDir = await mkdtemp(join(tmpdir(), 'hotconf-backup-'));
afterAll(() => rm(backupDir, { recursive: true, force: true }));

describe('faults', () => {
  it('converges through reconcile while nsqd is down, and hears live changes once it is back', async () => {
    const { startScheduler, subscribe, expectErrors } = deployment('nsqd-down');
    expectErrors(isOutageError);
    const scheduler = await startScheduler({ backoffMs: 100, maxBackoffMs: 500 });
    const subscriber = subscribe('svc', { reconcileMs: 300, nsqReconnectMs: 1_000 });
    await subscriber.ready();

    await services.nsqd.kill();
    await scheduler.schedule({ key: 'switch', value: 'on' }, { delayMs: 200 });
    await expect.poll(() => subscriber.get('switch'), { timeout: PATH_TIMEOUT_MS }).toBe('on');
    expect(subscriber.stats.applied).toBe(0); // the snapshot brought it, not NSQ
    expect(subscriber.stats.reloads).toBeGreaterThanOrEqual(2);

    await services.nsqd.start();
    // The change held back while nsqd was down arrives now, and is a repeat.
    await expect.poll(() => subscriber.stats.dropped, { timeout: PATH_TIMEOUT_MS }).toBe(1);
    await scheduler.schedule({ key: 'live', value: 1 });
    await expect.poll(() => subscriber.get('live'), { timeout: PATH_TIMEOUT_MS }).toBe(1);
    // It came over NSQ too (a reconcile may have applied it a moment before, then it counts as dropped).
    const received = (): number => subscriber.stats.applied + subscriber.stats.dropped;
    await expect.poll(received, { timeout: PATH_TIMEOUT_MS }).toBe(2);
  }, 30_000);

  it('serves the backup file when Redis is down at start, then switches to live data', async () => {
    const { startScheduler, subscribe, expectErrors, stopScheduler } = deployment('backup');
    expectErrors(isOutageError);
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
    await expect
      .poll(() => first.getAll(), { timeout: PATH_TIMEOUT_MS })
      .toEqual({ limit: 10, mode: 'fast' });
    await first.close();
    expect(JSON.parse(await readFile(backupFile, 'utf8'))).toMatchObject({
      values: { limit: 10, mode: 'fast' },
    });
    await stopScheduler(scheduler);

    await services.redis.kill();
    const second = subscribe('svc', { backupFile, retryMs: 200, redisTimeoutMs: 300 });
    expect(await second.ready({ timeoutMs: 5_000 })).toMatchObject({ source: 'backup' });
    expect(second.source).toBe('backup');
    expect(second.getAll()).toEqual({ limit: 10, mode: 'fast' });

    // Redis comes back empty (it keeps nothing on disk); a scheduler sets a new value there.
    await services.redis.start();
    const after = await startScheduler();
    await after.schedule({ key: 'limit', value: 20 });
    await expect.poll(() => second.source, { timeout: PATH_TIMEOUT_MS }).toBe('redis');
    await expect.poll(() => second.get('limit'), { timeout: PATH_TIMEOUT_MS }).toBe(20);
    expect(second.get('mode')).toBe('fast');
  }, 30_000);

  it('writes the backup backupDelayMs after a change, not before', async () => {
    const { startScheduler, subscribe } = deployment('backup-delay');
    const backupFile = join(backupDir, 'delay.json');
    const backupDelayMs = 800;
    const scheduler = await startScheduler();
    const subscriber = subscribe('svc', { backupFile, backupDelayMs });
    await subscriber.ready();
    let changedAt = 0;
    subscriber.on('change', () => (changedAt ||= Date.now()));
    await scheduler.schedule({ key: 'limit', value: 1 });
    const backupValues = (): Promise<unknown> =>
      readFile(backupFile, 'utf8').then(
        (text) => (JSON.parse(text) as { values: unknown }).values,
        () => undefined,
      );
    await expect.poll(backupValues, { timeout: PATH_TIMEOUT_MS, interval: 20 }).toEqual({ limit: 1 });
    expect(changedAt).toBeGreaterThan(0);
    expect(Date.now() - changedAt).toBeGreaterThanOrEqual(backupDelayMs);
  });

  it('reports stale once Redis has not confirmed the config for staleAfterMs: not before, and once', async () => {
    const { startScheduler, subscribe, expectErrors, stopScheduler } = deployment('stale');
    expectErrors(isOutageError);
    const scheduler = await startScheduler();
    await scheduler.schedule({ key: 'limit', value: 1 });
    const staleAfterMs = 1_500;
    const subscriber = subscribe('svc', { reconcileMs: 100, staleAfterMs, redisTimeoutMs: 100 });
    const stale: { event: StaleEvent; at: number }[] = [];
    subscriber.on('stale', (event) => stale.push({ event, at: Date.now() }));
    await subscriber.ready();
    await stopScheduler(scheduler);
    const confirmedBefore = Date.now();

    await services.redis.kill();
    try {
      // Failed reads begin within ~100 ms; the event waits for staleAfterMs since the last confirmation.
      await expect.poll(() => stale.length, { timeout: PATH_TIMEOUT_MS }).toBe(1);
      const [{ event, at }] = stale as [{ event: StaleEvent; at: number }];
      expect(event.source).toBe('redis');
      expect(event.lastRefreshedAt).toBeLessThanOrEqual(confirmedBefore);
      expect(at - (event.lastRefreshedAt as number)).toBeGreaterThanOrEqual(staleAfterMs);
      expect(subscriber.get('limit')).toBe(1); // the last good config is still served
      const failedReads = subscriber.stats.reloads;
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(stale).toHaveLength(1); // once per outage, not once per failed read
      expect(subscriber.stats.reloads).toBe(failedReads);
    } finally {
      await services.redis.start();
    }
  });

  it('keeps a live config through a Redis that came back empty, and takes newer changes after', async () => {
    const { startScheduler, subscribe, expectErrors, stopScheduler } = deployment('empty-redis');
    expectErrors(isOutageError);
    const scheduler = await startScheduler();
    await scheduler.schedule({
      changes: [
        { key: 'limit', value: 10 },
        { key: 'mode', value: 'fast' },
      ],
    });
    const subscriber = subscribe('svc', { reconcileMs: 100, redisTimeoutMs: 300 });
    await subscriber.ready();
    await stopScheduler(scheduler);

    await services.redis.kill();
    await services.redis.start(); // no persistence: it comes back empty
    const revision = subscriber.revision;
    // A reconcile reads the empty snapshot (revision 0) and changes nothing but the revision.
    await expect.poll(() => subscriber.revision, { timeout: PATH_TIMEOUT_MS }).toBe(0);
    expect(revision).toBeGreaterThan(0);
    expect(subscriber.getAll()).toEqual({ limit: 10, mode: 'fast' });

    const after = await startScheduler();
    await after.schedule({ key: 'limit', value: 20 });
    await expect.poll(() => subscriber.get('limit'), { timeout: PATH_TIMEOUT_MS }).toBe(20);
    expect(subscriber.getAll()).toEqual({ limit: 20, mode: 'fast' });
  });

  it('re-checks the snapshot on NSQ resubscription, long before its next reconcile', async () => {
    const { topic, startScheduler, subscribe, expectErrors } = deployment('resubscribe');
    expectErrors(isOutageError);
    const subscriber = subscribe('svc', { reconcileMs: 600_000, nsqReconnectMs: 1_000 });
    await subscriber.ready();
    // This change reaches the snapshot only: its publish goes to a topic the subscriber does not read.
    const dark = await startScheduler({ topic: `${topic}-unread` });
    await dark.schedule({ key: 'switch', value: 'on' });
    await expect.poll(async () => (await dark.current()).values.switch).toBe('on');
    expect(subscriber.get('switch')).toBeUndefined();

    await services.nsqd.kill();
    await services.nsqd.start();
    await expect.poll(() => subscriber.get('switch'), { timeout: PATH_TIMEOUT_MS }).toBe('on');
    expect(subscriber.stats).toMatchObject({ applied: 0, reloads: 2 });
  }, 30_000);

  it('bounds the start-up buffer while Redis is down: the oldest messages go, the newest are applied', async () => {
    const { topic, subscribe, expectErrors } = deployment('buffer');
    expectErrors(isOutageError);
    const bodies = Array.from({ length: 20 }, (_, i) =>
      envelopeBody(`raw-${i}`, i + 1, 1_000 + i, [{ key: `key-${i}`, value: 'x'.repeat(200) }]),
    );
    const startupBufferBytes = 2_000;
    // What fits, newest first: the buffer keeps these and drops the rest.
    let kept = 0;
    for (let bytes = 0; kept < bodies.length; kept++) {
      bytes += bodies[bodies.length - 1 - kept]!.length;
      if (bytes > startupBufferBytes) break;
    }

    await services.redis.kill();
    try {
      const subscriber = subscribe('svc', { startupBufferBytes, retryMs: 100, redisTimeoutMs: 100 });
      await untilChannelExists(services.nsqd.httpAddress, topic, subscriber.channel);
      for (const body of bodies) await publishRaw(services.nsqd.httpAddress, topic, body);
      await expect
        .poll(() => subscriber.stats.bufferDropped, { timeout: PATH_TIMEOUT_MS })
        .toBe(bodies.length - kept);
      expect(subscriber.source).toBe('none');

      await services.redis.start();
      expect(await subscriber.ready({ timeoutMs: PATH_TIMEOUT_MS })).toMatchObject({ source: 'redis' });
      expect(Object.keys(subscriber.getAll()).sort()).toEqual(
        bodies
          .slice(bodies.length - kept)
          .map((_, i) => `key-${bodies.length - kept + i}`)
          .sort(),
      );
      expect(subscriber.stats.applied).toBe(kept);
    } finally {
      await services.redis.start();
    }
  }, 30_000);

  it('rejects ready() with E_TIMEOUT when Redis is down and there is no backup', async () => {
    const { subscribe, expectErrors } = deployment('no-backup');
    expectErrors(isOutageError);
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
