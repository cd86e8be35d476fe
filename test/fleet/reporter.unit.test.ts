import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FleetReporter } from '../../src/fleet/reporter.js';
import type { RedisClient } from '../../src/redis/connection.js';
import { hotconfKeys } from '../../src/redis/keys.js';

/** A Redis stand-in whose MULTI records each command and whose EXEC fails while `down` is set. */
function fakeRedis() {
  const transactions: string[][][] = [];
  const state = { down: false };
  const redis = {
    multi() {
      const commands: string[][] = [];
      const chain: Record<string, unknown> = new Proxy(
        {},
        {
          get: (_target, name: string) =>
            name === 'exec'
              ? async () => {
                  if (state.down) throw new Error('Redis is down');
                  transactions.push(commands);
                  return commands.map(() => [null, 'OK']);
                }
              : (...args: unknown[]) => {
                  // HSET's object argument flattened to field, value, … as Redis receives it.
                  commands.push([
                    name,
                    ...args.flatMap((arg) =>
                      typeof arg === 'object' && arg !== null ? Object.entries(arg).flat() : [String(arg)],
                    ),
                  ]);
                  return chain;
                },
        },
      );
      return chain;
    },
  };
  return { redis: redis as unknown as RedisClient, transactions, state };
}

describe('FleetReporter (unit, fake Redis and clock)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function reporter(redis: RedisClient, errors: Error[] = []) {
    return new FleetReporter({
      redis,
      keys: hotconfKeys('unit'),
      service: 'api',
      instanceId: 'one',
      intervalMs: 1_000,
      retentionMs: 60_000,
      maxReceipts: 10,
      read: () => ({ revision: 7, stale: false }),
      onError: (error) => errors.push(error),
    });
  }

  it('keeps at most maxReceipts in memory while Redis is down, the newest, and sends them once it is back', async () => {
    const { redis, transactions, state } = fakeRedis();
    const errors: Error[] = [];
    const instance = reporter(redis, errors);
    state.down = true;
    instance.start();
    for (let index = 0; index < 25; index += 1) instance.applied(`id-${index}`, 1_000 + index, 2_000 + index);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(transactions).toEqual([]);

    state.down = false;
    await vi.advanceTimersByTimeAsync(1_000);
    const receipts = transactions
      .flat()
      .find(([command, key]) => command === 'zadd' && key === '{unit}:receipts:api/one')!;
    expect(receipts.slice(2, 4)).toEqual(['NX', '2015']);
    const ids = receipts.filter((_arg, index) => index >= 4 && index % 2 === 0);
    expect(ids).toEqual(Array.from({ length: 10 }, (_, index) => `id-${15 + index}`));

    // Sent once: the next report carries the record only.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(transactions.at(-1)!.some(([, key]) => key === '{unit}:receipts:api/one')).toBe(false);
    await instance.stop();
  });

  it('reports once per interval, however many changes arrive, and a repeat keeps its first time', async () => {
    const { redis, transactions } = fakeRedis();
    const instance = reporter(redis);
    instance.start();
    for (let tick = 0; tick < 5; tick += 1) {
      for (let index = 0; index < 3; index += 1) instance.applied(`t${tick}-${index}`, 0, tick * 10 + index);
      instance.applied(`t${tick}-0`, 0, 99_999); // a repeat of one just applied
      await vi.advanceTimersByTimeAsync(1_000);
    }
    // The first report at start, then one per second.
    expect(transactions).toHaveLength(6);
    const all = transactions
      .flat()
      .filter(([command, key]) => command === 'zadd' && key?.includes(':receipts:'));
    expect(all.flatMap((command) => command.filter((arg) => arg === '99999'))).toEqual([]);
    const record = transactions[1]!.find(([command]) => command === 'hset')!;
    expect(record).toContain('revision');
    expect(record[record.indexOf('revision') + 1]).toBe('7');
    await instance.stop();
    expect(transactions.at(-1)!.map(([command]) => command)).toEqual(['del', 'zrem']);
  });
});
