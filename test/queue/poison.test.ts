// An item the claim cannot use goes to dead with a reason in the same atomic step; the rest of the
// batch is claimed (and, by the scheduler's claim, applied) as usual.
import type { Redis } from 'ioredis';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDelayQueue, createScheduler, DelayQueue, type Scheduler } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';

const services = useServices();
let redis: Redis;
let prefix: string;

beforeEach(() => {
  redis = connectRedis(services.redis.url);
  prefix = uniquePrefix('poison');
});

function schedulerClaim(): { scheduler: Scheduler; claimer: DelayQueue } {
  return {
    scheduler: createScheduler({ redis, topic: 'poison', prefix }),
    claimer: new DelayQueue({ redis, prefix, claimScript: 'claimChanges' } as never),
  };
}

describe("the scheduler's claim and items it cannot decode", () => {
  it('sends a plain queue item on its prefix to dead with a reason and applies the rest', async () => {
    const { scheduler, claimer } = schedulerClaim();
    await scheduler.schedule({ key: 'a', value: 1 }, { id: 'good-1' });
    await createDelayQueue({ redis, prefix }).schedule({ id: 'plain', payload: 'not a change set' });
    await scheduler.schedule({ key: 'b', value: 2 }, { id: 'good-2' });

    const claim = await claimer.claim({ max: 10 });
    expect(claim.items.map((item) => item.id).sort()).toEqual(['good-1', 'good-2']);
    expect(claim.dead).toEqual([{ id: 'plain', reason: 'not a hotconf change set' }]);
    expect((await scheduler.current()).values).toEqual({ a: 1, b: 2 });
    const dead = await scheduler.dead();
    expect(dead).toEqual([
      expect.objectContaining({
        id: 'plain',
        payload: 'not a change set',
        reason: 'not a hotconf change set',
      }),
    ]);
    expect(await scheduler.stats()).toMatchObject({ dead: 1, processing: 2, due: 0 });
    // Later claims go on.
    await scheduler.schedule({ key: 'c', value: 3 });
    expect((await claimer.claim({ max: 10 })).items).toHaveLength(1);
  });

  it('sends malformed change sets and vanished payloads to dead, each with its reason', async () => {
    const { scheduler, claimer } = schedulerClaim();
    const keys = { due: `{${prefix}}:due`, items: `{${prefix}}:items` };
    const malformed = [
      '1;1;5;ab',
      '1;2;1;a1;1',
      '1;1;1;a1;12',
      'x;1;1;ad;',
      '1;0;',
      '1;1;0;1;1',
      '1;1;1;a5;12',
    ];
    for (const [i, payload] of malformed.entries()) {
      await redis.zadd(keys.due, 1, `bad-${i}`);
      await redis.hset(keys.items, `bad-${i}`, `1|${payload}`);
    }
    await redis.zadd(keys.due, 1, 'vanished');
    await redis.zadd(keys.due, 1, 'no-run-time');
    await redis.hset(keys.items, 'no-run-time', '1;1;1;a1;1');
    await scheduler.schedule({ key: 'ok', value: true });

    const claim = await claimer.claim({ max: 100 });
    expect(claim.items).toHaveLength(1);
    expect((await scheduler.current()).values).toEqual({ ok: true });
    const reasons = Object.fromEntries((await scheduler.dead()).map((item) => [item.id, item.reason]));
    expect(reasons).toEqual({
      'bad-0': 'malformed change set (key)',
      'bad-1': 'malformed change set (key)',
      'bad-2': 'malformed change set (trailing bytes)',
      'bad-3': 'not a hotconf change set',
      'bad-4': 'not a hotconf change set',
      'bad-5': 'malformed change set (key)',
      'bad-6': 'malformed change set (value)',
      vanished: 'payload vanished',
      'no-run-time': 'not a hotconf stored item',
    });
  });
});

describe('the plain queue and a vanished payload', () => {
  it('claims it once into dead instead of for ever', async () => {
    const queue = createDelayQueue({ redis, prefix });
    await queue.schedule({ id: 'lost', payload: 'p' });
    await queue.schedule({ id: 'kept', payload: 'q' });
    await redis.hdel(`{${prefix}}:items`, 'lost');
    const claim = await queue.claim({ max: 10 });
    expect(claim.items.map((item) => item.id)).toEqual(['kept']);
    expect(claim.dead).toEqual([{ id: 'lost', reason: 'payload vanished' }]);
    expect(await queue.stats()).toMatchObject({ due: 0, processing: 1, dead: 1 });
    expect(await queue.dead()).toEqual([
      expect.objectContaining({ id: 'lost', payload: '', reason: 'payload vanished' }),
    ]);
  });
});
