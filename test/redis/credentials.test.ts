import { inspect } from 'node:util';
import { Redis } from 'ioredis';
import {
  createConfigSubscriber,
  createDelayQueue,
  createScheduler,
  HotconfError,
  type Logger,
} from 'hotconf';
import { describe, expect, it } from 'vitest';
import { uniquePrefix, usePasswordProtectedRedis } from '../helpers/redis.js';

const SECRET = 'supersecret';

/** Everything a user could see of a value: its text, its enumerable fields and its cause chain. */
const seen = (value: unknown): string => inspect(value, { depth: 10, showHidden: true });

/** A logger that keeps every line it is given. */
function recordingLogger(): Logger & { lines: unknown[][] } {
  const lines: unknown[][] = [];
  const record = (...args: unknown[]): number => lines.push(args);
  return { lines, debug: record, info: record, warn: record, error: record };
}

// The password may reach hotconf in a URL's user-info or in an ioredis client's `password` option; it
// must not appear in what hotconf throws, emits or logs.
describe('credentials never appear in errors or logs', () => {
  const passworded = usePasswordProtectedRedis('the-right-one');

  it('an invalid redis URL is refused without quoting its password', () => {
    for (const create of [
      (redis: string) => createDelayQueue({ redis, prefix: 'p' }),
      (redis: string) => createScheduler({ redis, nsqd: '127.0.0.1:4150', topic: 't', prefix: 'p' }),
      (redis: string) =>
        createConfigSubscriber({ redis, nsqd: '127.0.0.1:4150', topic: 't', prefix: 'p', service: 's' }),
    ]) {
      let thrown: unknown;
      try {
        create(`http://admin:${SECRET}@127.0.0.1:6379`);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(HotconfError);
      expect((thrown as HotconfError).code).toBe('E_INVALID_ARGUMENT');
      expect((thrown as Error).message).toContain('http://admin:***@127.0.0.1:6379');
      expect(seen(thrown)).not.toContain(SECRET);
    }
  });

  for (const [where, redisOption] of [
    ['in the URL', () => `redis://:${SECRET}@${passworded.server.host}:${passworded.server.port}`],
    [
      'in the ioredis password option',
      () =>
        new Redis({
          host: passworded.server.host,
          port: passworded.server.port,
          password: SECRET,
          maxRetriesPerRequest: 1,
        }),
    ],
  ] as const) {
    it(`a refused password ${where} is not in the rejection, the error events or the log`, async () => {
      const redis = redisOption();
      if (typeof redis !== 'string') redis.on('error', () => {}); // WRONGPASS, on purpose
      const logger = recordingLogger();
      const errors: unknown[] = [];
      const prefix = uniquePrefix('credentials');
      const scheduler = createScheduler({ redis, nsqd: '127.0.0.1:1', topic: prefix, prefix, logger });
      scheduler.on('error', (error) => errors.push(error));
      const queue = createDelayQueue({ redis, prefix });

      const scheduled = await scheduler.schedule({ key: 'k', value: 1 }).catch((error: unknown) => error);
      const claimed = await queue.claim({ max: 1 }).catch((error: unknown) => error);
      expect(seen(scheduled)).toMatch(/WRONGPASS|NOAUTH/);
      expect(seen(claimed)).toMatch(/WRONGPASS|NOAUTH/);
      for (const thing of [scheduled, claimed, errors, logger.lines])
        expect(seen(thing)).not.toContain(SECRET);

      await queue.close();
      await scheduler.stop();
      if (typeof redis !== 'string') redis.disconnect();
    });
  }
});
