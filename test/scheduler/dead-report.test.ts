// Items the scheduler's claim cannot decode go to dead in the claim itself; the loop then tells the
// operator, once per claim, with an `error` event E_DEAD that names each id and why.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createDelayQueue, type HotconfError } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';
import { expectErrors } from './expect-errors.js';
import { testScheduler } from '../helpers/test-scheduler.js';

const services = useServices({ nsqd: true });

describe('poison items met by the scheduler loop', () => {
  it('are reported in one E_DEAD error per claim naming ids and reasons, and the rest is published', async () => {
    const prefix = uniquePrefix('dead-report');
    const redis = connectRedis(services.redis.url);
    const scheduler = testScheduler(services, prefix, { redis, batchSize: 100 });
    const errors = expectErrors(scheduler, 'E_DEAD');
    const published: string[] = [];
    scheduler.on('published', (event) => published.push(event.id));

    // Written on the scheduler's prefix by a plain delay queue, and one whose payload vanished.
    const plain = createDelayQueue({ redis, prefix });
    await plain.schedule({ id: 'plain', payload: 'not a change set' });
    await plain.schedule({ id: 'vanished', payload: 'x' });
    await redis.hdel(`{${prefix}}:items`, 'vanished');
    const good = await scheduler.schedule({ key: 'a', value: 1 });
    await scheduler.start();

    await expect.poll(() => published, { timeout: 10_000, interval: 20 }).toEqual([good.id]);
    await sleep(300); // no second report of the same items
    expect(errors.unexpected()).toEqual([]);
    expect(errors.all).toHaveLength(1);
    const report = errors.all[0] as HotconfError;
    expect(report.code).toBe('E_DEAD');
    expect(report.message).toContain('plain (not a hotconf change set)');
    expect(report.message).toContain('vanished (payload vanished)');
    expect((await scheduler.dead()).map((item) => item.id).sort()).toEqual(['plain', 'vanished']);
    await scheduler.stop();
  });
});
