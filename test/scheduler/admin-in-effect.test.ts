// A change set the claim applied is in effect: never pending again, whatever happens to its publish.
// The claim is driven by hand (the scheduler's own claim script, no NSQ), so each state is exact.
import type { Redis } from 'ioredis';
import { beforeEach, describe, expect, it } from 'vitest';
import { createScheduler, DelayQueue, type Scheduler } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';

const services = useServices();
let redis: Redis;
let prefix: string;
let scheduler: Scheduler;
/** The scheduler's claim (claim-changes: lease + apply to the snapshot), as its loop runs it. */
let claimer: DelayQueue;

beforeEach(() => {
  redis = connectRedis(services.redis.url);
  prefix = uniquePrefix('in-effect');
  scheduler = createScheduler({ redis, topic: 'in_effect', prefix });
  claimer = new DelayQueue({ redis, prefix, leaseMs: 200, claimScript: 'claimChanges' } as never);
});

async function claimOne() {
  const { items } = await claimer.claim({ max: 10 });
  expect(items).toHaveLength(1);
  return items[0]!;
}

describe('a change set in effect is not pending', () => {
  it('after a failed publish: not listed, not cancellable, not reschedulable, counted as awaiting publish', async () => {
    const scheduled = await scheduler.schedule({ key: 'switch', value: 'on' }, { id: 'c1' });
    await scheduler.schedule({ key: 'later', value: 1 }, { id: 'c2', delayMs: 60_000 });
    const item = await claimOne();
    expect((await scheduler.current()).values).toEqual({ switch: 'on' });

    expect(await claimer.requeue(item, { delayMs: 60_000 })).toBe(1); // the publish failed
    expect((await scheduler.pending()).map((change) => change.id)).toEqual(['c2']);
    expect(await scheduler.cancel('c1')).toBe(false);
    await expect(scheduler.reschedule('c1', { delayMs: 0 })).rejects.toMatchObject({ code: 'E_NOT_PENDING' });
    expect(await scheduler.stats()).toMatchObject({
      due: 0,
      scheduled: 1,
      processing: 0,
      awaitingPublish: 1,
    });
    // A repeated schedule of it returns the original version.
    expect(await scheduler.schedule({ key: 'switch', value: 'on' }, { id: 'c1' })).toEqual(scheduled);
  });

  it('republishes with its version and does not apply it again over a later change', async () => {
    const first = await scheduler.schedule({ key: 'switch', value: 'on' }, { id: 'on' });
    const item = await claimOne();
    await claimer.requeue(item); // publish failed: retry at once
    // A later change to the same key takes effect meanwhile.
    await scheduler.schedule({ key: 'switch', value: 'off' }, { id: 'off' });
    const { items } = await claimer.claim({ max: 10 });
    expect(items.map((claimed) => [claimed.id, claimed.runAt])).toEqual([
      ['off', expect.any(Number)],
      ['on', first.effectiveAt],
    ]);
    const republished = items.find((claimed) => claimed.id === 'on')!;
    expect(republished.payload.startsWith(`${first.seq};`)).toBe(true);
    expect(republished.attempt).toBe(2);
    expect((await scheduler.current()).values).toEqual({ switch: 'off' });
    expect(await claimer.ack(items)).toBe(2);
    expect(await scheduler.stats()).toMatchObject({ processing: 0, awaitingPublish: 0 });
    expect((await scheduler.current()).values).toEqual({ switch: 'off' });
  });

  it('after its lease expired: reaped into republish, not into pending', async () => {
    await scheduler.schedule({ key: 'k', value: 1 }, { id: 'reaped' });
    await claimOne(); // the holder dies with the lease
    await expect.poll(() => claimer.reap(), { timeout: 5_000, interval: 50 }).toBe(1);
    expect(await scheduler.pending()).toEqual([]);
    expect(await scheduler.cancel('reaped')).toBe(false);
    expect(await scheduler.stats()).toMatchObject({ due: 0, awaitingPublish: 1 });
    const revision = (await scheduler.current()).revision;
    expect((await claimOne()).id).toBe('reaped');
    expect((await scheduler.current()).revision).toBe(revision); // not applied a second time
  });

  it('a claim reports the earliest republish as its next run time', async () => {
    await scheduler.schedule({ key: 'k', value: 1 }, { id: 'r' });
    const item = await claimOne();
    await claimer.requeue(item, { delayMs: 5_000 });
    const claim = await claimer.claim({ max: 10 });
    expect(claim.items).toEqual([]);
    expect(claim.nextRunAt! - claim.now).toBeGreaterThan(4_000);
  });
});

describe('with the scheduler loop running and nsqd unreachable', () => {
  it('applies the change on time, then holds it as awaiting publish, never as pending', async () => {
    const running = createScheduler({
      redis,
      nsqd: '127.0.0.1:1', // nothing listens: every publish fails
      topic: 'in_effect',
      prefix,
      connectTimeoutMs: 200,
      publishRetries: 0,
      backoffMs: 60_000,
    });
    const errors: unknown[] = [];
    running.on('error', (error) => errors.push(error)); // the failed publishes, as intended
    await running.start();
    try {
      const { id } = await scheduler.schedule({ key: 'switch', value: 'on' }, { id: 'loop' });
      await expect
        .poll(async () => (await scheduler.stats()).awaitingPublish, { timeout: 10_000, interval: 50 })
        .toBe(1);
      expect((await scheduler.current()).values).toEqual({ switch: 'on' });
      expect(await scheduler.pending()).toEqual([]);
      expect(await scheduler.cancel(id)).toBe(false);
      await expect(scheduler.reschedule(id, { delayMs: 0 })).rejects.toMatchObject({ code: 'E_NOT_PENDING' });
      expect(errors.length).toBeGreaterThan(0);
      for (const error of errors) expect(error).toMatchObject({ code: 'E_PUBLISH_FAILED' });
    } finally {
      await running.stop();
    }
  });
});
