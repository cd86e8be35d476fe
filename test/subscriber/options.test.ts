import { afterEach, describe, expect, it } from 'vitest';
import { createConfigSubscriber, type ConfigSubscriber, type ConfigSubscriberOptions } from 'hotconf';

const base: ConfigSubscriberOptions = {
  redis: 'redis://127.0.0.1:1',
  nsqd: '127.0.0.1:1',
  topic: 'changes',
  prefix: 'app',
  service: 'svc',
};

describe('createConfigSubscriber options', () => {
  it.each<[string, Record<string, unknown> | null]>([
    ['a bad topic', { topic: 'bad topic' }],
    ['a bad prefix', { prefix: '' }],
    ['a service name with a space', { service: 'my svc' }],
    ['an instance id that makes the channel too long', { instanceId: 'x'.repeat(64) }],
    ['both nsqd and lookupd', { lookupd: '127.0.0.1:4161' }],
    ['neither nsqd nor lookupd', { nsqd: undefined }],
    ['an nsqd that is no address', { nsqd: 'localhost' }],
    ['an nsqd on port 0', { nsqd: '127.0.0.1:0' }],
    ['an nsqd on a port over 65535', { nsqd: '127.0.0.1:70000' }],
    ['an nsqd on port 65535 with no nsqdHttp (its default would be 65536)', { nsqd: '127.0.0.1:65535' }],
    ['an nsqdHttp on a port over 65535', { nsqdHttp: '127.0.0.1:99999' }],
    ['an empty nsqd list', { nsqd: [] }],
    ['nsqdHttp not matching nsqd', { nsqdHttp: ['127.0.0.1:2', '127.0.0.1:3'] }],
    ['a validate that is no function', { validate: 'yes' }],
    ['a zero reconcileMs', { reconcileMs: 0 }],
    ['an nsqReconnectMs under a second', { nsqReconnectMs: 500 }],
    ['an empty backupFile', { backupFile: '' }],
    ['a redis that is no URL', { redis: 'localhost:6379' }],
    ['a reconcileMs over 2^31-1 ms (Node would run it after 1 ms)', { reconcileMs: 2 ** 31 }],
    ['a NaN staleAfterMs', { staleAfterMs: Number.NaN }],
    ['an Infinity retryMs', { retryMs: Number.POSITIVE_INFINITY }],
    ['a fractional redisTimeoutMs', { redisTimeoutMs: 1.5 }],
    ['a negative connectTimeoutMs', { connectTimeoutMs: -1 }],
    ['an nsqReconnectMs over 2^31-1 ms', { nsqReconnectMs: 2 ** 31 }],
    ['a backupDelayMs given as a string', { backupDelayMs: '1000' }],
    ['a zero backupDelayMs', { backupDelayMs: 0 }],
    ['a zero maxInFlight (nothing would ever be delivered)', { maxInFlight: 0 }],
    ["a maxInFlight over nsqd's default max RDY count", { maxInFlight: 2_501 }],
    ['a zero startupBufferBytes', { startupBufferBytes: 0 }],
    ['an instanceId that is no string', { instanceId: 7 }],
    ['a logger without error()', { logger: { debug() {}, info() {}, warn() {} } }],
    ['a null nsqdHttp list entry', { nsqdHttp: [null] }],
    ['options that are null', null],
  ])('refuses %s with E_INVALID_ARGUMENT before connecting', (_case, override) => {
    const options = (override === null ? null : { ...base, ...override }) as ConfigSubscriberOptions;
    expect(() => createConfigSubscriber(options)).toThrow(
      expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }),
    );
  });
});

describe('the subscriber methods', () => {
  const created: ConfigSubscriber[] = [];
  afterEach(async () => {
    await Promise.all(created.splice(0).map((subscriber) => subscriber.close()));
  });
  function unreachable(): ConfigSubscriber {
    // Nothing listens on port 1: a call that got as far as connecting would time out instead.
    const subscriber = createConfigSubscriber({ ...base, connectTimeoutMs: 100, redisTimeoutMs: 100 });
    subscriber.on('error', () => {}); // Redis and nsqd are unreachable on purpose: not what is tested
    created.push(subscriber);
    return subscriber;
  }

  it.each<[string, unknown]>([
    ['a negative timeoutMs', { timeoutMs: -1 }],
    ['a zero timeoutMs', { timeoutMs: 0 }],
    ['a NaN timeoutMs', { timeoutMs: Number.NaN }],
    ['a timeoutMs over 2^31-1 ms', { timeoutMs: 2 ** 31 }],
    ['a timeoutMs given as a string', { timeoutMs: '100' }],
    ['null options', null],
  ])('ready() refuses %s with E_INVALID_ARGUMENT', async (_case, options) => {
    const subscriber = unreachable();
    await expect(subscriber.ready(options as { timeoutMs?: number })).rejects.toMatchObject({
      code: 'E_INVALID_ARGUMENT',
    });
  });

  it('get() refuses a key that is no string', () => {
    const subscriber = unreachable();
    expect(() => subscriber.get(7 as unknown as string)).toThrow(
      expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }),
    );
    expect(subscriber.get('absent', 'fallback')).toBe('fallback');
  });
});
