import { describe, expect, it } from 'vitest';
import { createScheduler, DelayQueue, type HistoryEntry } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis } from '../helpers/redis.js';
import { useDeployments } from '../subscriber/fixtures.js';
import { eventually } from './wait.js';

const services = useServices({ nsqd: true });
const deployment = useDeployments(services);

const summary = (entries: HistoryEntry[]) =>
  entries.map(({ event, id, kind, actor, reason, revision }) => ({
    event,
    id,
    kind,
    actor,
    reason,
    revision,
  }));

describe('history', () => {
  it('records every state change with actor and reason, newest first; applied carries revision and previous values', async () => {
    const { prefix, startScheduler } = deployment('history');
    const admin = createScheduler({ redis: connectRedis(services.redis.url), topic: 't', prefix });
    const who = { actor: 'ana@ops', reason: 'INC-42 night mode' };
    await admin.schedule({ key: 'mode', value: 'day' }, { id: 'first', ...who });
    await admin.schedule({ key: 'gone', value: 1 }, { id: 'later', delayMs: 60_000, actor: 'bo' });
    await admin.reschedule('later', { delayMs: 120_000 });
    await admin.cancel('later');
    const scheduler = await startScheduler();
    await eventually(async () => ((await scheduler.current()).values.mode === 'day' ? true : undefined));
    await admin.schedule(
      {
        changes: [
          { key: 'mode', value: 'night' },
          { key: 'new', deleted: true },
        ],
      },
      { id: 'second', ...who },
    );
    const history = await eventually(async () => {
      const entries = await admin.history();
      return entries[0]?.event === 'applied' && entries[0].id === 'second' ? entries : undefined;
    });

    expect(summary(history)).toEqual([
      { event: 'applied', id: 'second', kind: 'change', ...who, revision: 2 },
      { event: 'scheduled', id: 'second', kind: 'change', ...who, revision: undefined },
      { event: 'applied', id: 'first', kind: 'change', ...who, revision: 1 },
      {
        event: 'cancelled',
        id: 'later',
        kind: 'change',
        actor: 'bo',
        reason: undefined,
        revision: undefined,
      },
      {
        event: 'rescheduled',
        id: 'later',
        kind: 'change',
        actor: 'bo',
        reason: undefined,
        revision: undefined,
      },
      {
        event: 'scheduled',
        id: 'later',
        kind: 'change',
        actor: 'bo',
        reason: undefined,
        revision: undefined,
      },
      { event: 'scheduled', id: 'first', kind: 'change', ...who, revision: undefined },
    ]);
    expect(history[0]).toMatchObject({
      changes: [
        { key: 'mode', value: 'night' },
        { key: 'new', deleted: true },
      ],
      previous: [
        { key: 'mode', value: 'day' },
        { key: 'new', deleted: true },
      ],
    });
    expect(history[2]).toMatchObject({ previous: [{ key: 'mode', deleted: true }] });
    // Times are the Redis server's, in order; effective times are those of the change sets.
    const times = history.map((entry) => entry.at);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(history[0]!.effectiveAt).toBeLessThanOrEqual(history[0]!.at);

    expect(summary(await admin.history({ id: 'later' })).map((entry) => entry.event)).toEqual([
      'cancelled',
      'rescheduled',
      'scheduled',
    ]);
    expect((await admin.history({ key: 'gone' })).map((entry) => entry.id)).toEqual([
      'later',
      'later',
      'later',
    ]);
    const page = await admin.history({ limit: 2 });
    expect(page.map((entry) => entry.cursor)).toEqual(history.slice(0, 2).map((entry) => entry.cursor));
    const next = await admin.history({ limit: 2, before: page[1]!.cursor });
    expect(next).toEqual(history.slice(2, 4));
  });

  it('is bounded: the stream is trimmed to about historyLimit records', async () => {
    const { prefix } = deployment('bounded');
    const redis = connectRedis(services.redis.url);
    const admin = createScheduler({ redis, topic: 't', prefix, historyLimit: 100 });
    for (let i = 0; i < 1_000; i++) await admin.schedule({ key: `k${i}`, value: i }, { delayMs: 3_600_000 });
    const length = await redis.xlen(`{${prefix}}:history`);
    // MINID ~ trims whole radix-tree nodes (100 entries by default): bounded, a little above the limit.
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThanOrEqual(200);
    const newest = await admin.history({ limit: 1 });
    expect(newest[0]?.changes).toEqual([{ key: 'k999', value: 999 }]);
  });

  it("keeps a claim's records in one entry, never split, and counts them against historyLimit", async () => {
    const { prefix } = deployment('claim-entries');
    const redis = connectRedis(services.redis.url);
    const admin = createScheduler({ redis, topic: 't', prefix, historyLimit: 50 });
    for (let i = 0; i < 300; i++) await admin.schedule({ key: `k${i}`, value: i });
    const claimer = new DelayQueue({ redis, prefix, claimScript: 'claimChanges' } as never);
    let lastClaim: string[] = [];
    for (let claim = 0; claim < 3; claim++) {
      lastClaim = (await claimer.claim({ max: 100 })).items.map((item) => item.id);
      expect(lastClaim).toHaveLength(100);
    }
    await claimer.close();

    // The newest entry, the last claim's 100 records, is kept whole though it alone passes the limit of
    // 50; of the 600 records written, what else is left is at most a node of older entries.
    const history = await admin.history({ limit: 10_000 });
    const newest = history.slice(0, 100);
    expect(newest.map((entry) => entry.id).sort()).toEqual([...lastClaim].sort());
    expect(newest.every((entry) => entry.event === 'applied' && entry.revision === 3)).toBe(true);
    expect(history.length).toBeLessThanOrEqual(200);
    const [entry] = await redis.xrevrange(`{${prefix}}:history`, '+', '-', 'COUNT', 1);
    expect(entry![1].slice(0, 2)).toEqual(['records', '100']);
    expect(Object.keys((await admin.current()).values)).toHaveLength(300);
  });

  it('goes on when its record count was lost (meta deleted, stream emptied): nothing written is lost or reordered', async () => {
    const { prefix } = deployment('count-lost');
    const redis = connectRedis(services.redis.url);
    const admin = createScheduler({ redis, topic: 't', prefix });
    for (const id of ['one', 'two']) await admin.schedule({ key: id, value: 1 }, { id, delayMs: 60_000 });
    await redis.hdel(`{${prefix}}:meta`, 'historyRecords');
    for (const id of ['three', 'four']) await admin.schedule({ key: id, value: 1 }, { id, delayMs: 60_000 });
    expect((await admin.history()).map((entry) => entry.id)).toEqual(['four', 'three', 'two', 'one']);
    expect(await redis.hget(`{${prefix}}:meta`, 'historyRecords')).toBe('4');
    // Emptied as well: the stream's last id outlives its entries, and the count goes on from it.
    await redis.xtrim(`{${prefix}}:history`, 'MAXLEN', 0);
    await redis.hdel(`{${prefix}}:meta`, 'historyRecords');
    await admin.schedule({ key: 'five', value: 1 }, { id: 'five', delayMs: 60_000 });
    expect((await admin.history()).map((entry) => entry.id)).toEqual(['five']);
    expect(await redis.hget(`{${prefix}}:meta`, 'historyRecords')).toBe('5');
  });

  it('pages by time as well as by cursor', async () => {
    const { prefix } = deployment('by-time');
    const admin = createScheduler({ redis: connectRedis(services.redis.url), topic: 't', prefix });
    await admin.schedule({ key: 'k', value: 1 }, { id: 'early', delayMs: 60_000 });
    await eventually(async () => ((await admin.history())[0]!.at < Date.now() - 5 ? true : undefined));
    const between = Date.now();
    await admin.schedule({ key: 'k', value: 2 }, { id: 'late', delayMs: 60_000 });
    expect((await admin.history({ before: between })).map((entry) => entry.id)).toEqual(['early']);
    expect((await admin.history({ before: new Date(between) })).map((entry) => entry.id)).toEqual(['early']);
  });
});
