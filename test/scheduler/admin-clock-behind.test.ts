// After a failover to a host whose clock is behind, a change scheduled "now" must not get a version older
// than one the snapshot already applied (it would be dropped everywhere), and must still take effect at once.
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createScheduler, DelayQueue } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';

const services = useServices();

describe('a Redis clock behind what the snapshot applied', () => {
  it('clamps immediate changes to the greatest applied effectiveAt, and claims them at once', async () => {
    const redis: Redis = connectRedis(services.redis.url);
    const prefix = uniquePrefix('clock');
    const scheduler = createScheduler({ redis, topic: 'clock', prefix });
    const claimer = new DelayQueue({ redis, prefix, claimScript: 'claimChanges' } as never);
    await scheduler.schedule({ key: 'switch', value: 'on' });
    await claimer.ack((await claimer.claim({ max: 10 })).items);

    // What the old primary, its clock a minute ahead, had applied and replicated:
    const [seconds] = await redis.time();
    const ahead = Number(seconds) * 1000 + 60_000;
    await redis.hset(`{${prefix}}:versions`, 'switch', `${ahead}:99`);
    await redis.hset(`{${prefix}}:meta`, 'appliedAt', String(ahead));
    await redis.set(`{${prefix}}:seq`, '99');

    const off = await scheduler.schedule({ key: 'switch', value: 'off' });
    expect(off.effectiveAt).toBe(ahead);
    const past = await scheduler.schedule({ key: 'other', value: 1 }, { at: 0 });
    expect(past.effectiveAt).toBe(ahead);
    const claim = await claimer.claim({ max: 10 });
    expect(claim.items.map((item) => item.id).sort()).toEqual([off.id, past.id].sort());
    expect((await scheduler.current()).values).toEqual({ switch: 'off', other: 1 });
    // A reschedule to "now" is clamped the same way.
    const later = await scheduler.schedule({ key: 'x', value: 1 }, { delayMs: 3_600_000 });
    expect((await scheduler.reschedule(later.id, { delayMs: 0 })).effectiveAt).toBe(ahead);
  });
});
