import { describe, expect, it, onTestFinished } from 'vitest';
import { createScheduler, type ConflictEvent } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { useDeployments } from '../subscriber/fixtures.js';
import { eventually } from './wait.js';

const services = useServices({ nsqd: true });
const deployment = useDeployments(services);
// Long enough for a newer change to land first on a loaded machine.
const BOX_MS = 2_500;

describe('time-boxed changes', () => {
  it('reverts on time, to the values before, and leaves alone a key a newer change touched', async () => {
    const { startScheduler, subscribe } = deployment('until');
    const scheduler = await startScheduler();
    const subscriber = subscribe('svc');
    await subscriber.ready({ timeoutMs: 10_000 });
    const base = await scheduler.schedule({
      changes: [
        { key: 'mode', value: 'day' },
        { key: 'rate', value: 1 },
      ],
    });
    await eventually(async () => ((await scheduler.current()).values.rate === 1 ? true : undefined));

    const start = Date.now() + 300;
    const boxed = await scheduler.schedule(
      {
        changes: [
          { key: 'mode', value: 'night' },
          { key: 'rate', value: 5 },
          { key: 'banner', value: 'hi' },
        ],
      },
      { at: start, until: start + BOX_MS, actor: 'ana', reason: 'night window' },
    );
    // In effect; its revert is a pending change like any other.
    await eventually(async () => ((await scheduler.current()).values.mode === 'night' ? true : undefined));
    const [revert] = await scheduler.pending();
    expect(revert).toMatchObject({
      id: `${boxed.id}.revert`,
      effectiveAt: start + BOX_MS,
      changes: [
        { key: 'mode', value: 'day' },
        { key: 'rate', value: 1 },
        { key: 'banner', deleted: true },
      ],
    });
    // A newer change touches rate before the revert is due.
    await scheduler.schedule({ key: 'rate', value: 7 }, { actor: 'bo' });
    await eventually(async () => ((await scheduler.current()).values.rate === 7 ? true : undefined));

    const applied = await eventually(async () => {
      const [entry] = await scheduler.history({ id: revert!.id, limit: 1 });
      return entry?.event === 'applied' ? entry : undefined;
    }, 8_000);
    expect(applied.at).toBeGreaterThanOrEqual(start + BOX_MS);
    expect(applied.at - (start + BOX_MS)).toBeLessThan(1_000);
    expect(applied).toMatchObject({
      kind: 'revert',
      actor: 'ana',
      reason: 'night window',
      changes: [
        { key: 'mode', value: 'day' },
        { key: 'banner', deleted: true },
      ],
      why: 'newer-change',
      keys: ['rate'],
    });
    expect((await scheduler.current()).values).toEqual({ mode: 'day', rate: 7 });
    await eventually(async () =>
      subscriber.get('banner', 'none') === 'none' && subscriber.getAll().mode === 'day' ? true : undefined,
    );
    expect(subscriber.getAll()).toEqual({ mode: 'day', rate: 7 });
    expect(base.id).not.toBe(boxed.id);
  });

  it('a revert is a pending change: cancelling it keeps the time-boxed values', async () => {
    const { startScheduler } = deployment('until-cancel');
    const scheduler = await startScheduler();
    const boxed = await scheduler.schedule({ key: 'mode', value: 'night' }, { until: Date.now() + 60_000 });
    await eventually(async () => ((await scheduler.pending()).length === 1 ? true : undefined));
    expect(await scheduler.cancel(`${boxed.id}.revert`)).toBe(true);
    const [cancelled] = await scheduler.history({ limit: 1 });
    expect(cancelled).toMatchObject({ event: 'cancelled', kind: 'revert', id: `${boxed.id}.revert` });
    expect((await scheduler.current()).values).toEqual({ mode: 'night' });
  });
});

describe('conflict check', () => {
  it('skips a change whose keys moved after its baseRevision, records why, emits conflict, moves nothing', async () => {
    // A scheduler of its own: the deployment fixture stops one only once all it scheduled was published,
    // and a skipped change never is.
    const { prefix, topic } = deployment('conflict');
    const scheduler = createScheduler({
      redis: services.redis.url,
      nsqd: services.nsqd.tcpAddress,
      topic,
      prefix,
    });
    onTestFinished(() => scheduler.stop());
    await scheduler.start();
    const conflicts: ConflictEvent[] = [];
    scheduler.on('conflict', (event) => conflicts.push(event));
    await scheduler.schedule({
      changes: [
        { key: 'a', value: 1 },
        { key: 'b', value: 1 },
      ],
    });
    const { revision } = await eventually(async () => {
      const current = await scheduler.current();
      return current.values.a === 1 ? current : undefined;
    });
    const prepared = await scheduler.schedule(
      {
        changes: [
          { key: 'a', value: 2 },
          { key: 'c', value: 2 },
        ],
      },
      { baseRevision: revision, delayMs: 60_000, actor: 'ana' },
    );
    const clean = await scheduler.schedule(
      { key: 'b', value: 3 },
      { baseRevision: revision, delayMs: 60_000 },
    );
    // a moves after the base revision; then both prepared changes fall due.
    await scheduler.schedule({ key: 'a', value: 'edited' });
    await eventually(async () => ((await scheduler.current()).values.a === 'edited' ? true : undefined));
    await scheduler.reschedule(prepared.id, { delayMs: 0 });
    await scheduler.reschedule(clean.id, { delayMs: 0 });

    const skipped = await eventually(async () => {
      const [entry] = await scheduler.history({ id: prepared.id, limit: 1 });
      return entry?.event === 'skipped' ? entry : undefined;
    });
    expect(skipped).toMatchObject({ why: 'conflict', keys: ['a'], actor: 'ana' });
    await eventually(async () => ((await scheduler.current()).values.b === 3 ? true : undefined));
    expect((await scheduler.current()).values).toEqual({ a: 'edited', b: 3 });
    await eventually(async () => (conflicts.length > 0 ? true : undefined));
    expect(conflicts).toEqual([
      { id: prepared.id, seq: prepared.seq, effectiveAt: skipped.effectiveAt, keys: ['a'], actor: 'ana' },
    ]);
    // Published and acked: the skipped change set was finished by the claim, nothing of it is left.
    await eventually(async () => ((await scheduler.stats()).processing === 0 ? true : undefined));
    expect(await scheduler.stats()).toMatchObject({ due: 0, processing: 0, awaitingPublish: 0 });
    expect(await scheduler.pending()).toEqual([]);
    expect(clean.id).not.toBe(prepared.id);
  });
});
