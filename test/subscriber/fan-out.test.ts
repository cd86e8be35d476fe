import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../src/index.js';
import { useServices } from '../helpers/fixtures.js';
import { topicStats } from '../../local-services/nsqd-http.js';
import { useDeployments } from './fixtures.js';

const services = useServices({ nsqd: true });
const deployment = useDeployments(services);

describe('every instance of every service', () => {
  it('applies every change: 3 instances of service A and 1 of service B', async () => {
    const { startScheduler, subscribe } = deployment('fan-out');
    const scheduler = await startScheduler();
    const instances = [
      subscribe('service-a'),
      subscribe('service-a'),
      subscribe('service-a'),
      subscribe('service-b'),
    ];
    await Promise.all(instances.map((instance) => instance.ready({ timeoutMs: 5_000 })));
    const seen = instances.map(() => [] as ChangeEvent[]);
    instances.forEach((instance, index) => instance.on('change', (event) => seen[index]!.push(event)));

    const expected: Record<string, unknown> = {};
    for (let i = 0; i < 30; i++) {
      const value = { limit: i, tags: [`t${i}`] };
      await scheduler.schedule({ key: `key-${i % 7}`, value }, { delayMs: 100 });
      expected[`key-${i % 7}`] = value;
    }
    const { id } = await scheduler.schedule({ key: 'switch', value: 'on' }, { delayMs: 150 });
    expected.switch = 'on';

    for (const instance of instances) {
      await expect.poll(() => instance.getAll(), { timeout: 5_000 }).toEqual(expected);
      expect(instance.get('switch', 'off')).toBe('on');
      expect(instance.get('absent', 'fallback')).toBe('fallback');
      expect(instance.stats.applied).toBe(31);
    }
    expect((await scheduler.current()).values).toEqual(expected);
    // Every instance heard of the switch itself, with the id of the change that set it.
    for (const events of seen) {
      expect(events.filter((event) => event.key === 'switch')).toEqual([
        { key: 'switch', oldValue: undefined, newValue: 'on', id, effectiveAt: expect.any(Number) },
      ]);
    }
    const channels = new Set(instances.map((instance) => instance.channel));
    expect(channels.size).toBe(4);
    for (const channel of channels) expect(channel).toMatch(/^service-[ab]\..+#ephemeral$/);
  });

  it('starts after 100 published changes with exactly current() once ready', async () => {
    const { startScheduler, subscribe } = deployment('late');
    const scheduler = await startScheduler();
    const early = subscribe('early');
    await early.ready();
    for (let i = 0; i < 100; i++) {
      const key = `key-${i % 40}`;
      if (i % 10 === 9) await scheduler.schedule({ key, deleted: true });
      else await scheduler.schedule({ key, value: i });
    }
    await expect.poll(() => early.stats.applied, { timeout: 5_000 }).toBe(100);

    const late = subscribe('late');
    const ready = await late.ready({ timeoutMs: 5_000 });
    const current = await scheduler.current();
    expect(ready).toEqual({ source: 'redis', revision: current.revision });
    expect(late.getAll()).toEqual(current.values);
    expect(late.revision).toBe(current.revision);
    expect(current.values).not.toHaveProperty('key-9'); // deleted last by change 89
  });

  it('hands out a frozen config that a change set replaces as a whole', async () => {
    const { startScheduler, subscribe } = deployment('atomic');
    const scheduler = await startScheduler();
    await scheduler.schedule({
      changes: [
        { key: 'min', value: 1 },
        { key: 'max', value: 5 },
        { key: 'old', value: true },
      ],
    });
    const subscriber = subscribe('svc', {
      validate: (config) => (config.min as number) <= (config.max as number),
    });
    await subscriber.ready();
    await expect.poll(() => subscriber.getAll()).toEqual({ min: 1, max: 5, old: true });
    const before = subscriber.getAll();
    expect(Object.isFrozen(before)).toBe(true);

    const seenByListeners: unknown[] = [];
    subscriber.on('change:min', () => seenByListeners.push(subscriber.getAll()));
    // Applied one key at a time, min=10 with max=5 would fail validate: the set goes in whole.
    await scheduler.schedule({
      changes: [
        { key: 'min', value: 10 },
        { key: 'max', value: 20 },
        { key: 'old', deleted: true },
      ],
    });
    await expect.poll(() => subscriber.getAll()).toEqual({ min: 10, max: 20 });
    expect(seenByListeners).toEqual([{ min: 10, max: 20 }]);
    expect(before).toEqual({ min: 1, max: 5, old: true });
    expect(subscriber.stats.rejected).toBe(0);
  });

  it('deletes its ephemeral channel on close()', async () => {
    const { topic, subscribe } = deployment('close');
    const subscriber = subscribe('svc');
    await subscriber.ready();
    const channelNames = async (): Promise<string[]> =>
      ((await topicStats(services.nsqd.httpAddress, topic))?.channels ?? []).map((channel) => channel.name);
    expect(await channelNames()).toContain(subscriber.channel);

    await subscriber.close();
    expect(await channelNames()).not.toContain(subscriber.channel);
    await expect(subscriber.ready()).rejects.toMatchObject({ code: 'E_CLOSED' });
  });
});
