// A repeated id changes nothing within idRetentionMs, whatever became of its item; retention is bounded
// by time, and ids the library generated (which no caller can repeat) are not retained at all.
import type { Redis } from 'ioredis';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDelayQueue, createScheduler, DelayQueue } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';

const services = useServices();
let redis: Redis;
let prefix: string;

beforeEach(() => {
  redis = connectRedis(services.redis.url);
  prefix = uniquePrefix('repeat');
});

describe('delay queue: a repeated id', () => {
  it('returns the original and changes nothing: pending, leased, acked, cancelled', async () => {
    const queue = createDelayQueue({ redis, prefix });
    const original = await queue.schedule({ id: 'a', payload: 'first', delayMs: 0 });
    expect(await queue.schedule({ id: 'a', payload: 'again' })).toEqual({ ...original, created: false });
    const { items } = await queue.claim({ max: 10 });
    expect(await queue.schedule({ id: 'a', payload: 'again' })).toEqual({ ...original, created: false });
    expect(await queue.ack(items)).toBe(1);
    // Finished: only its record is kept, not its payload.
    expect(await queue.schedule({ id: 'a', payload: 'again' })).toEqual({
      id: 'a',
      runAt: original.runAt,
      payload: '',
      created: false,
    });
    expect(await queue.stats()).toMatchObject({ due: 0, scheduled: 0, processing: 0 });

    const cancelled = await queue.schedule({ id: 'b', payload: 'p', delayMs: 60_000 });
    expect(await queue.cancel('b')).toBe(true);
    expect(await queue.schedule({ id: 'b', payload: 'p' })).toMatchObject({
      runAt: cancelled.runAt,
      created: false,
    });
    expect(await queue.peek()).toEqual([]);
  });

  it('is forgotten after idRetentionMs, trimmed by later calls, so memory stays bounded', async () => {
    const queue = createDelayQueue({ redis, prefix, idRetentionMs: 100 });
    for (let i = 0; i < 50; i++) await queue.schedule({ id: `id-${i}`, payload: 'p' });
    expect(await queue.ack((await queue.claim({ max: 100 })).items)).toBe(50);
    expect(await redis.zcard(`{${prefix}}:retained`)).toBe(50);
    expect(await redis.hlen(`{${prefix}}:items`)).toBe(50); // records only
    await new Promise((resolve) => setTimeout(resolve, 150));
    const again = await queue.schedule({ id: 'id-0', payload: 'new' });
    expect(again.created).toBe(true); // retention over: a new item
    expect(await redis.zcard(`{${prefix}}:retained`)).toBe(1); // the 49 others were trimmed
    expect(await redis.hlen(`{${prefix}}:items`)).toBe(1);
  });

  it('does not retain generated ids', async () => {
    const queue = createDelayQueue({ redis, prefix });
    for (let i = 0; i < 10; i++) await queue.schedule({ payload: 'p' });
    expect(await queue.ack((await queue.claim({ max: 100 })).items)).toBe(10);
    expect(await redis.exists(`{${prefix}}:retained`, `{${prefix}}:items`)).toBe(0);
  });

  it('refuses a dead id with E_DEAD, and frees it once purged', async () => {
    const queue = createDelayQueue({ redis, prefix, maxAttempts: 1 });
    await queue.schedule({ id: 'd', payload: 'p' });
    await queue.requeue((await queue.claim({ max: 1 })).items);
    await expect(queue.schedule({ id: 'd', payload: 'p' })).rejects.toMatchObject({
      code: 'E_DEAD',
      message: expect.stringContaining('gave up after 1 attempts'),
    });
    expect(await queue.purgeDead()).toBe(1);
    expect(await queue.schedule({ id: 'd', payload: 'p' })).toMatchObject({ created: true });
  });
});

describe('scheduler: a repeated id', () => {
  it('returns the original { id, seq, effectiveAt } after it was published and acked, and cannot undo a later change', async () => {
    const scheduler = createScheduler({ redis, topic: 'repeat', prefix });
    const claimer = new DelayQueue({ redis, prefix, claimScript: 'claimChanges' } as never);
    const on = await scheduler.schedule({ key: 'switch', value: 'on' }, { id: 'on' });
    await claimer.ack((await claimer.claim({ max: 10 })).items); // published
    await scheduler.schedule({ key: 'switch', value: 'off' }, { id: 'off' });
    await claimer.ack((await claimer.claim({ max: 10 })).items);

    expect(await scheduler.schedule({ key: 'switch', value: 'on' }, { id: 'on' })).toEqual(on); // a retry
    expect(await scheduler.pending()).toEqual([]);
    expect((await claimer.claim({ max: 10 })).items).toEqual([]);
    expect((await scheduler.current()).values).toEqual({ switch: 'off' });
    expect(await scheduler.cancel('on')).toBe(false);
    // A cancelled one is retained too.
    const later = await scheduler.schedule({ key: 'x', value: 1 }, { id: 'later', delayMs: 60_000 });
    expect(await scheduler.cancel('later')).toBe(true);
    expect(await scheduler.schedule({ key: 'x', value: 2 }, { id: 'later' })).toEqual(later);
    expect(await scheduler.pending()).toEqual([]);
  });
});
