import { setTimeout as sleep } from 'node:timers/promises';
import { createScheduler, DelayQueue } from 'hotconf';
import { describe, expect, it } from 'vitest';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';

// Shrunk sequences from the property tests, kept as plain tests.
describe('property-test counterexamples', () => {
  const services = useServices();

  // From the scheduler model (found when the model applied whatever a claim took last): change sets with
  // one run time are claimed by id, so the older version can come second; the snapshot must keep the newer.
  it('two change sets on one key with the same effective time: the greater seq wins whatever order the claim takes them', async () => {
    const redis = connectRedis(services.redis.url);
    const prefix = uniquePrefix('tie');
    const scheduler = createScheduler({ redis, topic: 'tie', prefix });
    const at = Date.now() + 300;
    const older = await scheduler.schedule(
      { key: 'switch', value: 'older' },
      { id: 'z-scheduled-first', at },
    );
    const newer = await scheduler.schedule(
      { key: 'switch', deleted: true },
      { id: 'a-scheduled-second', at },
    );
    expect([older.effectiveAt, newer.effectiveAt]).toEqual([at, at]);
    expect(newer.seq).toBeGreaterThan(older.seq);

    await sleep(Math.max(0, at - Date.now()) + 20);
    const claimer = new DelayQueue({ redis, prefix, claimScript: 'claimChanges' } as never);
    const { items } = await claimer.claim({ max: 2 });
    expect(items.map((item) => item.id)).toEqual(['a-scheduled-second', 'z-scheduled-first']); // by id
    expect((await scheduler.current()).values).toEqual({}); // the newer delete holds
  });
});
