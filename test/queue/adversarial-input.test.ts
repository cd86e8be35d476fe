// Adversarial input (null, huge, malformed, Unicode edge cases) to every queue and scheduler admin call
// is refused with a HotconfError E_INVALID_ARGUMENT, and Redis is byte for byte as it was.
import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createDelayQueue,
  createScheduler,
  HotconfError,
  MAX_DELAY_MS,
  MAX_TIME_MS,
  type DelayQueue,
  type Scheduler,
} from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';

const services = useServices();
let redis: Redis;
let queue: DelayQueue;
let scheduler: Scheduler;
let prefix: string;

beforeAll(async () => {
  redis = connectRedis(services.redis.url);
  prefix = uniquePrefix('adversarial');
  queue = createDelayQueue({ redis, prefix: `${prefix}-q` });
  scheduler = createScheduler({ redis, topic: 'adversarial', prefix });
  await queue.schedule({ id: 'existing', payload: 'p', delayMs: 60_000 });
  await scheduler.schedule({ key: 'k', value: 1 }, { id: 'pending', delayMs: 60_000 });
});

async function dumpAll(): Promise<Record<string, string | null>> {
  const keys = (await redis.keys('*')).sort();
  const dumps = await Promise.all(keys.map((key) => redis.dumpBuffer(key)));
  return Object.fromEntries(keys.map((key, i) => [key, dumps[i]?.toString('hex') ?? null]));
}

const loneHigh = '\uD800';
const loneLow = '\uDFFF';
const badCalls: [string, () => unknown][] = [
  ['createDelayQueue(null)', () => createDelayQueue(null as never)],
  ['createDelayQueue(undefined)', () => createDelayQueue(undefined as never)],
  [
    'createDelayQueue with idRetentionMs -1',
    () => createDelayQueue({ redis, prefix: 'p', idRetentionMs: -1 }),
  ],
  ['queue.schedule(null)', () => queue.schedule(null as never)],
  ['queue.claim(null)', () => queue.claim(null as never)],
  ['queue.claim("10")', () => queue.claim('10' as never)],
  ['queue.requeue([], null)', () => queue.requeue([], null as never)],
  [
    'queue.requeue(x, { delayMs: 1e300 })',
    () => queue.requeue({ id: 'existing', token: 't' }, { delayMs: 1e300 }),
  ],
  ['queue.peek(null)', () => queue.peek(null as never)],
  ['queue.dead(null)', () => queue.dead(null as never)],
  ['queue.dead({ limit: 0 })', () => queue.dead({ limit: 0 })],
  ['queue.retryDead(null)', () => queue.retryDead(null as never)],
  ['queue.retryDead([bad id])', () => queue.retryDead(['ok', 'bad id'])],
  ['queue.reschedule(id) with no time', () => queue.reschedule('existing', undefined as never)],
  ['queue.reschedule(id, {})', () => queue.reschedule('existing', {})],
  ['queue.reschedule(id, null)', () => queue.reschedule('existing', null as never)],
  ['at: 1e20', () => queue.schedule({ payload: 'p', at: 1e20 })],
  ['at: year 10000', () => queue.schedule({ payload: 'p', at: MAX_TIME_MS + 1 })],
  ['delayMs: 1e300', () => queue.schedule({ payload: 'p', delayMs: 1e300 })],
  ['delayMs over 100 years', () => queue.schedule({ payload: 'p', delayMs: MAX_DELAY_MS + 1 })],
  ['delayMs: -0.5', () => queue.schedule({ payload: 'p', delayMs: -0.5 })],
  ['at: a string', () => queue.schedule({ payload: 'p', at: '2030-01-01' as never })],
  ['an id with a lone surrogate', () => queue.schedule({ id: `a${loneHigh}`, payload: 'p' })],
  ['an id with an emoji', () => queue.schedule({ id: 'a😀', payload: 'p' })],
  ['a payload with a lone surrogate', () => queue.schedule({ payload: `ok${loneLow}` })],
  ['schedule(c, null)', () => scheduler.schedule({ key: 'k', value: 1 }, null as never)],
  ['schedule(null)', () => scheduler.schedule(null as never)],
  ['a key with a lone high surrogate', () => scheduler.schedule({ key: `k${loneHigh}`, value: 1 })],
  ['a key with a lone low surrogate', () => scheduler.schedule({ key: `${loneLow}k`, value: 1 })],
  ['a key with reversed surrogates', () => scheduler.schedule({ key: `${loneLow}${loneHigh}`, value: 1 })],
  [
    'a change set with a lone surrogate in its second key',
    () =>
      scheduler.schedule({
        changes: [
          { key: 'ok', value: 1 },
          { key: loneHigh, value: 2 },
        ],
      }),
  ],
  ['scheduler at: 1e20', () => scheduler.schedule({ key: 'k', value: 1 }, { at: 1e20 })],
  ['scheduler delayMs: 1e300', () => scheduler.schedule({ key: 'k', value: 1 }, { delayMs: 1e300 })],
  ['scheduler.reschedule(id) with no time', () => scheduler.reschedule('pending', undefined as never)],
  ['scheduler.reschedule(id, { at: 1e20 })', () => scheduler.reschedule('pending', { at: 1e20 })],
  ['scheduler.pending(null)', () => scheduler.pending(null as never)],
  ['scheduler.pending({ limit: -1 })', () => scheduler.pending({ limit: -1 })],
  ['scheduler.dead(null)', () => scheduler.dead(null as never)],
  ['scheduler.retryDead("id")', () => scheduler.retryDead('pending' as never)],
  [
    'createScheduler idRetentionMs NaN',
    () => createScheduler({ redis, topic: 't', prefix: 'p', idRetentionMs: NaN }),
  ],
];

describe('adversarial input is refused with E_INVALID_ARGUMENT and writes nothing', () => {
  it.each(badCalls)('%s', async (_what, call) => {
    const before = await dumpAll();
    const error = await (async () => call())().then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    expect(error).toBeInstanceOf(HotconfError);
    expect(error).toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    expect(await dumpAll()).toEqual(before);
  });

  it('accepts the edges themselves: year 9999, 100 years, well-formed surrogate pairs', async () => {
    expect((await queue.schedule({ payload: 'p', at: MAX_TIME_MS })).runAt).toBe(MAX_TIME_MS);
    const far = await queue.schedule({ payload: 'p', delayMs: MAX_DELAY_MS });
    expect(far.runAt).toBeGreaterThan(Date.now() + MAX_DELAY_MS - 60_000);
    const change = await scheduler.schedule({ key: 'emoji😀', value: '\uD83D\uDE00' }, { at: MAX_TIME_MS });
    expect(change.effectiveAt).toBe(MAX_TIME_MS);
    const pending = await scheduler.pending({ limit: 10 });
    expect(pending.find((item) => item.id === change.id)).toMatchObject({
      effectiveAt: MAX_TIME_MS,
      changes: [{ key: 'emoji😀', value: '😀' }],
    });
    // Stored as digits, never "2.5340230079999e+14": the version parser reads it back exactly.
    expect(await redis.hget(`{${prefix}}:items`, change.id)).toMatch(/^253402300799999\|/);
  });
});
