import { describe, expect, it } from 'vitest';
import { createScheduler, type HistoryEntry } from 'hotconf';
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

  it('is bounded: the stream is trimmed to about historyLimit entries', async () => {
    const { prefix } = deployment('bounded');
    const redis = connectRedis(services.redis.url);
    const admin = createScheduler({ redis, topic: 't', prefix, historyLimit: 100 });
    for (let i = 0; i < 1_000; i++) await admin.schedule({ key: `k${i}`, value: i }, { delayMs: 3_600_000 });
    const length = await redis.xlen(`{${prefix}}:history`);
    // MAXLEN ~ trims whole radix-tree nodes (100 entries by default): bounded, a little above the limit.
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThanOrEqual(200);
    const newest = await admin.history({ limit: 1 });
    expect(newest[0]?.changes).toEqual([{ key: 'k999', value: 999 }]);
  });
});
