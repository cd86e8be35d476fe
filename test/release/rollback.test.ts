import { describe, expect, it } from 'vitest';
import { createScheduler } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis } from '../helpers/redis.js';
import { useDeployments } from '../subscriber/fixtures.js';
import { eventually } from './wait.js';

const services = useServices({ nsqd: true });
const deployment = useDeployments(services);

describe('rollback and diff', () => {
  it('restores values, deletes and recreated keys exactly, in current() and in a running subscriber', async () => {
    const { startScheduler, subscribe } = deployment('rollback');
    const scheduler = await startScheduler();
    const subscriber = subscribe('svc');
    await subscriber.ready({ timeoutMs: 10_000 });
    const applyNow = async (changes: Parameters<typeof scheduler.schedule>[0]) => {
      const { id } = await scheduler.schedule(changes, { actor: 'ana' });
      return eventually(async () => {
        const [entry] = await scheduler.history({ id, limit: 1 });
        return entry?.event === 'applied' ? entry.revision : undefined;
      });
    };

    const r1 = await applyNow({
      changes: [
        { key: 'mode', value: 'day' },
        { key: 'limit', value: { rps: 10 } },
      ],
    });
    const r2 = await applyNow({
      changes: [
        { key: 'mode', value: 'night' },
        { key: 'extra', value: [1, 2] },
      ],
    });
    await applyNow({
      changes: [
        { key: 'limit', deleted: true },
        { key: 'mode', value: 'dusk' },
      ],
    });
    await applyNow({ key: 'limit', value: { rps: 99 } }); // recreated after its delete
    await eventually(async () =>
      subscriber.get('limit', null) !== null && subscriber.getAll().mode === 'dusk' ? true : undefined,
    );

    expect(await scheduler.diff(r1)).toEqual([
      { key: 'extra', from: { deleted: true }, to: { value: [1, 2] } },
      { key: 'limit', from: { value: { rps: 10 } }, to: { value: { rps: 99 } } },
      { key: 'mode', from: { value: 'day' }, to: { value: 'dusk' } },
    ]);
    expect(await scheduler.diff(r1, r2)).toEqual([
      { key: 'extra', from: { deleted: true }, to: { value: [1, 2] } },
      { key: 'mode', from: { value: 'day' }, to: { value: 'night' } },
    ]);

    const rollback = await scheduler.rollback({ toRevision: r1 }, { actor: 'bo', reason: 'bad night mode' });
    const expected = { mode: 'day', limit: { rps: 10 } };
    await eventually(async () =>
      JSON.stringify((await scheduler.current()).values) === JSON.stringify(expected) ? true : undefined,
    );
    expect((await scheduler.current()).values).toEqual(expected);
    await eventually(async () =>
      subscriber.get('extra', 'absent') === 'absent' && subscriber.getAll().mode === 'day' ? true : undefined,
    );
    expect(subscriber.getAll()).toEqual(expected);

    const [applied] = await scheduler.history({ id: rollback.id, limit: 1 });
    expect(applied).toMatchObject({
      event: 'applied',
      kind: 'rollback',
      actor: 'bo',
      reason: 'bad night mode',
    });
    expect(await scheduler.diff(r1)).toEqual([]);
  });

  it('refuses a revision not made yet, one history no longer holds, and one already in effect; writes nothing', async () => {
    const { prefix, startScheduler } = deployment('rollback-refused');
    const redis = connectRedis(services.redis.url);
    const scheduler = await startScheduler({ historyLimit: 1 });
    for (let i = 0; i < 300; i++) await scheduler.schedule({ key: 'k', value: i });
    await eventually(async () => ((await scheduler.current()).values.k === 299 ? true : undefined));
    const admin = createScheduler({ redis, topic: 't', prefix });
    const before = await redis.xlen(`{${prefix}}:history`);
    const seq = await redis.get(`{${prefix}}:seq`);
    const { revision } = await admin.current();

    await expect(admin.rollback({ toRevision: revision + 1 })).rejects.toMatchObject({
      code: 'E_UNKNOWN_REVISION',
    });
    await expect(admin.rollback({ toRevision: 1 })).rejects.toMatchObject({ code: 'E_REVISION_TRIMMED' });
    await expect(admin.diff(1)).rejects.toMatchObject({ code: 'E_REVISION_TRIMMED' });
    await expect(admin.rollback({ toRevision: revision })).rejects.toMatchObject({
      code: 'E_NOTHING_TO_ROLL_BACK',
    });
    await expect(admin.rollback({ toRevision: -1 })).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    expect(await redis.xlen(`{${prefix}}:history`)).toBe(before);
    expect(await redis.get(`{${prefix}}:seq`)).toBe(seq);
    expect(await admin.pending()).toEqual([]);
  });
});
