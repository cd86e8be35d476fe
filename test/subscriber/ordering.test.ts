import { describe, expect, it } from 'vitest';
import type { RejectedEvent } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { publishRaw } from '../helpers/nsq.js';
import { envelopeBody, PATH_TIMEOUT_MS, useDeployments } from './fixtures.js';

const services = useServices({ nsqd: true });
const deployment = useDeployments(services);

describe('version order', () => {
  it('drops out-of-order and duplicate envelopes and applies a newer one', async () => {
    const { topic, startScheduler, subscribe } = deployment('order');
    const scheduler = await startScheduler();
    const subscriber = subscribe('svc');
    await subscriber.ready();
    const { id, seq, effectiveAt } = await scheduler.schedule({ key: 'mode', value: 'new' });
    await expect.poll(() => subscriber.get('mode'), { timeout: PATH_TIMEOUT_MS }).toBe('new');
    const publish = (body: string): Promise<void> => publishRaw(services.nsqd.httpAddress, topic, body);

    // Older by time, older by seq at the same time, and the very same envelope again.
    await publish(envelopeBody('older', seq + 100, effectiveAt - 1, [{ key: 'mode', value: 'old' }]));
    await publish(envelopeBody('same-time', seq - 1, effectiveAt, [{ key: 'mode', deleted: true }]));
    await publish(envelopeBody(id, seq, effectiveAt, [{ key: 'mode', value: 'new' }]));
    await expect.poll(() => subscriber.stats.dropped, { timeout: PATH_TIMEOUT_MS }).toBe(3);
    expect(subscriber.getAll()).toEqual({ mode: 'new' });

    // The same path does apply what is newer, so the drops above were decided by version.
    await publish(envelopeBody('newer', seq, effectiveAt + 1, [{ key: 'mode', value: 'newest' }]));
    await expect.poll(() => subscriber.get('mode'), { timeout: PATH_TIMEOUT_MS }).toBe('newest');
    expect(subscriber.stats).toMatchObject({ applied: 2, dropped: 3, malformed: 0 });
  });

  it('keeps a key deleted by a newer tombstone', async () => {
    const { topic, subscribe } = deployment('tombstone');
    const subscriber = subscribe('svc');
    await subscriber.ready();
    const publish = (body: string): Promise<void> => publishRaw(services.nsqd.httpAddress, topic, body);
    await publish(envelopeBody('delete', 5, 2_000, [{ key: 'flag', deleted: true }]));
    await publish(envelopeBody('set-earlier', 9, 1_000, [{ key: 'flag', value: true }]));
    await expect.poll(() => subscriber.stats.dropped, { timeout: PATH_TIMEOUT_MS }).toBe(1);
    expect(subscriber.getAll()).toEqual({});
  });
});

describe('bad changes and bad messages', () => {
  it('keeps the last good config when validate throws or returns false', async () => {
    const { startScheduler, subscribe } = deployment('validate');
    const scheduler = await startScheduler();
    const subscriber = subscribe('svc', {
      validate: (config) => {
        if (config.limit !== undefined && typeof config.limit !== 'number')
          throw new Error('limit: not a number');
        return config.limit === undefined || (config.limit as number) >= 0;
      },
    });
    await subscriber.ready();
    const rejected: RejectedEvent[] = [];
    subscriber.on('rejected', (event) => rejected.push(event));

    await scheduler.schedule({ key: 'limit', value: 5 });
    await expect.poll(() => subscriber.get('limit'), { timeout: PATH_TIMEOUT_MS }).toBe(5);
    const bad = await scheduler.schedule({ key: 'limit', value: -1 });
    const worse = await scheduler.schedule({ key: 'limit', value: 'lots' });
    await expect.poll(() => rejected.length, { timeout: PATH_TIMEOUT_MS }).toBe(2);
    expect(subscriber.get('limit')).toBe(5);
    // Two claims may publish at once: the two refusals can come in either order.
    const byId = (id: string): RejectedEvent | undefined => rejected.find((event) => event.id === id);
    expect(byId(bad.id)).toMatchObject({
      keys: ['limit'],
      heldBack: ['limit'],
      reason: { code: 'E_REJECTED' },
    });
    expect(byId(worse.id)).toMatchObject({ keys: ['limit'], reason: { message: 'limit: not a number' } });

    await scheduler.schedule({ key: 'limit', value: 7 });
    await expect.poll(() => subscriber.get('limit'), { timeout: PATH_TIMEOUT_MS }).toBe(7);
    expect(subscriber.stats).toMatchObject({ applied: 2, rejected: 2 });
  });

  it('finishes, counts and reports malformed messages and goes on', async () => {
    const { topic, startScheduler, subscribe, expectErrors } = deployment('malformed');
    expectErrors((error) => (error as { code?: string }).code === 'E_MALFORMED_MESSAGE');
    const scheduler = await startScheduler();
    const subscriber = subscribe('svc');
    const errors: Error[] = [];
    subscriber.on('error', (error) => errors.push(error));
    await subscriber.ready();
    const publish = (body: string): Promise<void> => publishRaw(services.nsqd.httpAddress, topic, body);

    await publish('not json {');
    await publish(JSON.stringify({ v: 2, id: 'future', changes: [] }));
    await publish(envelopeBody('no-value', 1, 1, [{ key: 'k' }]));
    await publish(
      envelopeBody('twice', 1, 1, [
        { key: 'k', value: 1 },
        { key: 'k', value: 2 },
      ]),
    );
    await scheduler.schedule({ key: 'after', value: 'still works' });

    await expect.poll(() => subscriber.get('after'), { timeout: PATH_TIMEOUT_MS }).toBe('still works');
    expect(subscriber.stats.malformed).toBe(4);
    expect(errors.map((error) => (error as { code?: string }).code)).toEqual(
      Array(4).fill('E_MALFORMED_MESSAGE'),
    );
    expect(subscriber.getAll()).toEqual({ after: 'still works' });
  });
});
