import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDelayQueue, HotconfError, type DelayQueue } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';

const services = useServices();
let redis: Redis;
let queue: DelayQueue;

beforeAll(async () => {
  redis = connectRedis(services.redis.url);
  queue = createDelayQueue({ redis, prefix: uniquePrefix('validation'), maxPayloadBytes: 1024 });
  await queue.schedule({ id: 'existing', payload: 'p', delayMs: 60_000 });
});

/** Every key with its full contents, to show a refused call wrote nothing. */
async function dumpAll(): Promise<Record<string, string | null>> {
  const keys = (await redis.keys('*')).sort();
  const dumps = await Promise.all(keys.map((key) => redis.dumpBuffer(key)));
  return Object.fromEntries(keys.map((key, i) => [key, dumps[i]?.toString('hex') ?? null]));
}

const badCalls: [string, string, () => Promise<unknown>][] = [
  ['a non-string payload', 'E_INVALID_ARGUMENT', () => queue.schedule({ payload: 42 as unknown as string })],
  ['an oversize payload', 'E_PAYLOAD_TOO_LARGE', () => queue.schedule({ payload: 'x'.repeat(1025) })],
  ['an invalid date', 'E_INVALID_ARGUMENT', () => queue.schedule({ payload: 'p', at: new Date('nope') })],
  ['a negative delay', 'E_INVALID_ARGUMENT', () => queue.schedule({ payload: 'p', delayMs: -1 })],
  ['an infinite delay', 'E_INVALID_ARGUMENT', () => queue.schedule({ payload: 'p', delayMs: Infinity })],
  ['both at and delayMs', 'E_INVALID_ARGUMENT', () => queue.schedule({ payload: 'p', at: 1, delayMs: 1 })],
  ['an id with a space', 'E_INVALID_ARGUMENT', () => queue.schedule({ id: 'a b', payload: 'p' })],
  ['an id over 256 bytes', 'E_INVALID_ARGUMENT', () => queue.schedule({ id: 'i'.repeat(257), payload: 'p' })],
  ['max 0', 'E_INVALID_ARGUMENT', () => queue.claim({ max: 0 })],
  ['max over 1000', 'E_INVALID_ARGUMENT', () => queue.claim({ max: 1001 })],
  ['max 1.5', 'E_INVALID_ARGUMENT', () => queue.claim({ max: 1.5 })],
  ['an ack without token', 'E_INVALID_ARGUMENT', () => queue.ack({ id: 'existing' } as never)],
  [
    'a requeue with a NaN delay',
    'E_INVALID_ARGUMENT',
    () => queue.requeue({ id: 'existing', token: 't' }, { delayMs: NaN }),
  ],
  ['an extend by 0 ms', 'E_INVALID_ARGUMENT', () => queue.extend({ id: 'existing', token: 't' }, 0)],
  ['a cancel of a bad id', 'E_INVALID_ARGUMENT', () => queue.cancel('bad id')],
  ['a reschedule to an invalid date', 'E_INVALID_ARGUMENT', () => queue.reschedule('existing', { at: NaN })],
];

describe('bad input is refused with a HotconfError before anything is written', () => {
  it.each(badCalls)('refuses %s with %s', async (_what, code, call) => {
    const before = await dumpAll();
    const error = await call().then(
      () => undefined,
      (rejection: unknown) => rejection,
    );
    expect(error).toBeInstanceOf(HotconfError);
    expect(error).toMatchObject({ code });
    expect(await dumpAll()).toEqual(before);
  });

  it('refuses bad options when the queue is created', () => {
    expect(() => createDelayQueue({ redis, prefix: 'has space' })).toThrow(HotconfError);
    expect(() => createDelayQueue({ redis, prefix: 'p', leaseMs: 0 })).toThrow(HotconfError);
    expect(() => createDelayQueue({ redis: 'http://nope', prefix: 'p' })).toThrow(HotconfError);
  });

  it('refuses every call after close() with E_CLOSED', async () => {
    const closing = createDelayQueue({ redis, prefix: uniquePrefix('closed') });
    await closing.close();
    await expect(closing.schedule({ payload: 'p' })).rejects.toMatchObject({ code: 'E_CLOSED' });
    await expect(closing.claim()).rejects.toMatchObject({ code: 'E_CLOSED' });
    await expect(closing.stats()).rejects.toMatchObject({ code: 'E_CLOSED' });
    expect(await redis.ping()).toBe('PONG'); // the app's own connection stays open
  });
});
