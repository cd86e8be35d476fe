// Fast unit tests of the queue scripts on ioredis-mock (Lua on fengari). The same behaviour is proven
// against a real redis-server in the other queue tests; these run in milliseconds.
import RedisMock from 'ioredis-mock';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDelayQueue, type DelayQueue } from 'hotconf';

let redis: Redis;
let queue: DelayQueue;

beforeEach(() => {
  // ioredis-mock's TIME takes rounded seconds from Date and microseconds from process.hrtime, so it can
  // jump a second back between two calls: frozen clocks make it consistent (and these tests exact).
  vi.useFakeTimers({ toFake: ['Date', 'hrtime'], now: Date.UTC(2026, 0, 1) });
  redis = new RedisMock() as unknown as Redis;
  queue = createDelayQueue({ redis, prefix: 'unit', leaseMs: 60_000, maxAttempts: 2 });
});

afterEach(async () => {
  vi.useRealTimers();
  await redis.flushall();
  redis.disconnect();
});

describe('delay queue scripts (ioredis-mock)', () => {
  it('claims a due item once, with its payload, run time, attempt and token', async () => {
    const { id, runAt } = await queue.schedule({ payload: 'p1' });
    const first = await queue.claim({ max: 10 });
    expect(first.items).toEqual([{ id, runAt, payload: 'p1', attempt: 1, token: expect.any(String) }]);
    expect(first.nextRunAt).toBeNull();
    expect((await queue.claim({ max: 10 })).items).toEqual([]);
  });

  it('keeps a future item out of a claim and reports it as nextRunAt', async () => {
    const later = await queue.schedule({ payload: 'later', delayMs: 60_000 });
    const claim = await queue.claim({ max: 10 });
    expect(claim.items).toEqual([]);
    expect(claim.nextRunAt).toBe(later.runAt);
    expect(later.runAt - claim.now).toBeGreaterThan(59_000);
  });

  it('returns the stored item unchanged when an id is scheduled twice', async () => {
    const first = await queue.schedule({ id: 'same', payload: 'a', delayMs: 5000 });
    const second = await queue.schedule({ id: 'same', payload: 'b' });
    expect(second).toEqual({ id: 'same', runAt: first.runAt, payload: 'a', created: false });
    expect((await queue.peek()).map((item) => item.payload)).toEqual(['a']);
  });

  it('acks only with the matching token', async () => {
    await queue.schedule({ payload: 'x' });
    const [item] = (await queue.claim()).items;
    expect(await queue.ack({ id: item!.id, token: 'not-the-token' })).toBe(0);
    expect(await queue.ack(item!)).toBe(1);
    expect(await queue.ack(item!)).toBe(0);
    expect(await queue.stats()).toMatchObject({ due: 0, scheduled: 0, processing: 0, dead: 0 });
  });

  it('requeues with a delay, counts the attempt, and moves to dead after maxAttempts', async () => {
    await queue.schedule({ payload: 'x' });
    const [first] = (await queue.claim()).items;
    expect(await queue.requeue(first!, { delayMs: 0 })).toBe(1);
    const [second] = (await queue.claim()).items;
    expect(second!.attempt).toBe(2);
    expect(await queue.requeue(second!)).toBe(1);
    expect(await queue.stats()).toMatchObject({ due: 0, processing: 0, dead: 1 });
  });

  it('cancels a pending item but not a leased one, and reschedules only pending ones', async () => {
    const pending = await queue.schedule({ payload: 'p', delayMs: 60_000 });
    const leased = await queue.schedule({ payload: 'l' });
    await queue.claim();
    expect(await queue.cancel(leased.id)).toBe(false);
    expect(await queue.reschedule(leased.id, { delayMs: 0 })).toBeNull();
    const moved = await queue.reschedule(pending.id, { delayMs: 0 });
    expect(moved!.runAt).toBeLessThan(pending.runAt);
    expect(moved!.payload).toBe('p');
    expect(await queue.cancel(pending.id)).toBe(true);
    expect(await queue.cancel(pending.id)).toBe(false);
  });

  it('reaps nothing while leases are live and keeps the stats disjoint', async () => {
    await queue.schedule({ payload: 'due' });
    await queue.schedule({ payload: 'due too' });
    await queue.schedule({ payload: 'future', delayMs: 60_000 });
    await queue.claim({ max: 1 });
    expect(await queue.reap()).toBe(0);
    expect(await queue.stats()).toMatchObject({ due: 1, scheduled: 1, processing: 1, dead: 0 });
  });
});
