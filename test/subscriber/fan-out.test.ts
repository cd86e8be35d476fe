import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { nsqdHttp } from '../../local-services/nsqd-http.js';
import { startNsqd } from '../../local-services/services.js';
import { publishRaw } from '../helpers/nsq.js';
import { channelNames, envelopeBody, PATH_TIMEOUT_MS, untilInEffect, useDeployments } from './fixtures.js';
import { startNsqdFront } from './nsqd-front.js';

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
      await expect.poll(() => instance.getAll(), { timeout: PATH_TIMEOUT_MS }).toEqual(expected);
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
    await expect.poll(() => early.stats.applied, { timeout: PATH_TIMEOUT_MS }).toBe(100);

    const late = subscribe('late');
    const ready = await late.ready({ timeoutMs: 5_000 });
    const current = await scheduler.current();
    expect(ready).toEqual({ source: 'redis', revision: current.revision });
    expect(late.getAll()).toEqual(current.values);
    expect(late.revision).toBe(current.revision);
    expect(current.values).not.toHaveProperty('key-9'); // deleted last by change 89
  });

  it('starts with no gap while changes are published: instances started mid-stream end equal to current()', async () => {
    const { startScheduler, subscribe } = deployment('no-gap');
    const scheduler = await startScheduler();
    const instances: ReturnType<typeof subscribe>[] = [];
    const expected: Record<string, unknown> = {};
    for (let i = 0; i < 200; i++) {
      const key = `key-${i % 15}`;
      if (i % 9 === 8) {
        await scheduler.schedule({ key, deleted: true });
        delete expected[key];
      } else {
        await scheduler.schedule({ key, value: i });
        expected[key] = i;
      }
      // A reconcile would repair a gap 10 minutes later, and a load after the subscription (waited for
      // up to 10 s here) would too: only the start-up itself can get this right, with its one load.
      if (i % 40 === 10) {
        instances.push(subscribe(`starter-${i}`, { reconcileMs: 600_000, connectTimeoutMs: 10_000 }));
      }
    }
    await expect
      .poll(async () => (await scheduler.current()).values, { timeout: PATH_TIMEOUT_MS })
      .toEqual(expected);
    for (const instance of instances) {
      await expect.poll(() => instance.getAll(), { timeout: PATH_TIMEOUT_MS }).toEqual(expected);
      expect(instance.stats.reloads).toBe(1);
    }
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
    // In the snapshot before the start: validate refuses the empty config (undefined <= undefined).
    await untilInEffect(scheduler, { min: 1, max: 5 });
    const subscriber = subscribe('svc', {
      validate: (config) => (config.min as number) <= (config.max as number),
    });
    await subscriber.ready();
    await expect
      .poll(() => subscriber.getAll(), { timeout: PATH_TIMEOUT_MS })
      .toEqual({ min: 1, max: 5, old: true });
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
    await expect.poll(() => subscriber.getAll(), { timeout: PATH_TIMEOUT_MS }).toEqual({ min: 10, max: 20 });
    expect(seenByListeners).toEqual([{ min: 10, max: 20 }]);
    expect(before).toEqual({ min: 1, max: 5, old: true });
    expect(subscriber.stats.rejected).toBe(0);
  });
});

describe('its channel and its nsqds', () => {
  it('reads its own channel <service>.<instanceId>, and deletes it on close() at nsqdHttp, TCP port + 1 by default', async () => {
    const { topic, subscribe } = deployment('close');
    const front = await startNsqdFront(services.nsqd);
    try {
      const subscriber = subscribe('svc', {
        nsqd: front.tcpAddress,
        nsqdHttp: undefined,
        instanceId: 'pod-7',
      });
      expect(subscriber.channel).toBe('svc.pod-7#ephemeral');
      await subscriber.ready();
      expect(await channelNames(services.nsqd.httpAddress, topic)).toContain('svc.pod-7#ephemeral');

      await subscriber.close();
      expect(front.httpRequests).toEqual([
        `POST /channel/delete?topic=${encodeURIComponent(topic)}&channel=${encodeURIComponent(subscriber.channel)}`,
      ]);
      expect(await channelNames(services.nsqd.httpAddress, topic)).not.toContain(subscriber.channel);
      await expect(subscriber.ready()).rejects.toMatchObject({ code: 'E_CLOSED' });
    } finally {
      await front.close();
    }
  });

  it('reports a channel delete that failed, although it is closing', async () => {
    const { subscribe, expectErrors } = deployment('close-fails');
    expectErrors((error) => error.message.includes('/channel/delete'));
    const front = await startNsqdFront(services.nsqd);
    try {
      const subscriber = subscribe('svc', { nsqd: front.tcpAddress, nsqdHttp: front.httpAddress });
      const errors: Error[] = [];
      subscriber.on('error', (error) => errors.push(error));
      await subscriber.ready();
      front.failHttpWith = 500;
      await subscriber.close();
      expect(errors.map((error) => error.message)).toEqual([
        `nsqd ${front.httpAddress} answered 500 to /channel/delete`,
      ]);
    } finally {
      await front.close();
    }
  });

  it('reads every nsqd of a list, and deletes its channel on each', async () => {
    const { topic, subscribe } = deployment('list');
    const second = await startNsqd();
    try {
      const nsqds = [services.nsqd, second];
      const subscriber = subscribe('svc', {
        nsqd: nsqds.map((nsqd) => nsqd.tcpAddress),
        nsqdHttp: nsqds.map((nsqd) => nsqd.httpAddress),
      });
      await subscriber.ready();
      for (const nsqd of nsqds)
        expect(await channelNames(nsqd.httpAddress, topic)).toContain(subscriber.channel);

      await publishRaw(
        services.nsqd.httpAddress,
        topic,
        envelopeBody('on-first', 1, 1, [{ key: 'first', value: 1 }]),
      );
      await publishRaw(
        second.httpAddress,
        topic,
        envelopeBody('on-second', 2, 2, [{ key: 'second', value: 2 }]),
      );
      await expect
        .poll(() => subscriber.getAll(), { timeout: PATH_TIMEOUT_MS })
        .toEqual({ first: 1, second: 2 });

      await subscriber.close();
      for (const nsqd of nsqds) {
        expect(await channelNames(nsqd.httpAddress, topic)).not.toContain(subscriber.channel);
      }
    } finally {
      await second.dispose();
    }
  });

  it('lets nsqd send at most maxInFlight messages before they are finished', async () => {
    const { topic, subscribe } = deployment('in-flight');
    const subscriber = subscribe('svc', { maxInFlight: 3 });
    await subscriber.ready();
    await expect
      .poll(() => readyCounts(services.nsqd.httpAddress, topic, subscriber.channel), {
        timeout: PATH_TIMEOUT_MS,
      })
      .toEqual([3]);
  });
});

/** The RDY count of each client of the channel: how many messages nsqd may have in flight to it. */
async function readyCounts(httpAddress: string, topic: string, channel: string): Promise<number[]> {
  const stats = JSON.parse(
    await nsqdHttp(httpAddress, 'GET', `/stats?format=json&topic=${encodeURIComponent(topic)}`),
  ) as { topics: { channels: { channel_name: string; clients: { ready_count: number }[] }[] }[] };
  const found = stats.topics[0]?.channels.find((entry) => entry.channel_name === channel);
  return found?.clients.map((client) => client.ready_count) ?? [];
}
