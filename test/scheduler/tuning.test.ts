import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Logger, type RequeuedEvent, type Scheduler, type SchedulerOptions } from 'hotconf';
import { collectMessages } from '../helpers/nsq.js';
import { useServices } from '../helpers/fixtures.js';
import { expectErrors } from './expect-errors.js';
import { testScheduler } from '../helpers/test-scheduler.js';
import { uniquePrefix } from '../helpers/redis.js';
import { startNsqdProxy } from './nsqd-proxy.js';

const services = useServices({ nsqd: true });
const running: Scheduler[] = [];
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((scheduler) => scheduler.stop()));
  for (const server of servers.splice(0)) server.close();
});

function scheduler(options: Partial<SchedulerOptions> & { prefix: string }): Scheduler {
  const created = testScheduler(services, options.prefix, options);
  running.push(created);
  return created;
}

/** An "nsqd" that drops every connection at once: each publish attempt fails fast. Counts the attempts. */
async function refusingNsqd(): Promise<{ address: string; connections: () => number; times: number[] }> {
  let connections = 0;
  const times: number[] = [];
  const server = createServer((socket) => {
    connections += 1;
    times.push(Date.now());
    socket.destroy();
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    address: `127.0.0.1:${(server.address() as { port: number }).port}`,
    connections: () => connections,
    times,
  };
}

describe('scheduler options at work', () => {
  it('backoffMs/maxBackoffMs: a failing change set waits 40, 80, 160, 160 ms… between attempts', async () => {
    const nsqd = await refusingNsqd();
    const s = scheduler({
      prefix: uniquePrefix('backoff'),
      nsqd: nsqd.address,
      backoffMs: 40,
      maxBackoffMs: 160,
      publishRetries: 0,
    });
    const requeued: RequeuedEvent[] = [];
    s.on('requeued', (event) => requeued.push(event));
    const errors = expectErrors(s, 'E_PUBLISH_FAILED'); // every attempt fails, as intended
    await s.schedule({ key: 'k', value: 1 });
    await s.start();
    await expect.poll(() => requeued.length, { timeout: 10_000, interval: 10 }).toBeGreaterThanOrEqual(6);
    const first = requeued.slice(0, 6);
    expect(first.map((event) => event.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(first.map((event) => event.delayMs)).toEqual([40, 80, 160, 160, 160, 160]);
    expect(errors.unexpected()).toEqual([]);
    // Each attempt really waited its delay: attempt i+1 reached "nsqd" at least delayMs after attempt i did
    // (which was before its requeue). Redis' clock and ours are one machine's; Redis counts whole ms.
    for (let i = 1; i < first.length; i++) {
      expect(nsqd.times[i]! - nsqd.times[i - 1]!).toBeGreaterThanOrEqual(first[i - 1]!.delayMs - 1);
    }
  });

  it('publishRetries: one claim makes 1 + publishRetries publish attempts before it requeues', async () => {
    const nsqd = await refusingNsqd();
    const s = scheduler({
      prefix: uniquePrefix('retries'),
      nsqd: nsqd.address,
      publishRetries: 3,
      backoffMs: 60_000, // no second claim during the test
    });
    const requeued: RequeuedEvent[] = [];
    s.on('requeued', (event) => requeued.push(event));
    const errors = expectErrors(s, 'E_PUBLISH_FAILED');
    await s.schedule({ key: 'k', value: 1 });
    await s.start();
    await expect.poll(() => requeued.length, { timeout: 10_000, interval: 10 }).toBe(1);
    expect(nsqd.connections()).toBe(4);
    expect(requeued[0]).toMatchObject({ attempt: 1, delayMs: 60_000 });
    expect(errors.unexpected()).toEqual([]);
  });

  it.each([1, 3])(
    'maxInFlight %i: at most that many batches are being published at once',
    async (maxInFlight) => {
      const prefix = uniquePrefix(`in-flight-${maxInFlight}`);
      const slow = await startNsqdProxy(services.nsqd.tcpAddress, { replyDelayMs: 400 });
      const consumer = await collectMessages(services.nsqd.tcpAddress, `${prefix}.changes`);
      const s = scheduler({ prefix, nsqd: slow.address, batchSize: 1, maxInFlight });
      const published: string[] = [];
      s.on('published', (event) => published.push(event.id));
      for (let i = 0; i < 6; i++) await s.schedule({ key: `k${i}`, value: i });
      await s.start();
      let most = 0;
      while (published.length < 6) {
        most = Math.max(most, (await s.stats()).processing);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(most).toBe(maxInFlight);
      await consumer.waitForCount(6, 5_000);
      await consumer.close();
      await slow.close();
    },
  );

  it('maxKeyBytes: keys are measured in UTF-8 bytes, and a longer one writes nothing', async () => {
    const s = scheduler({ prefix: uniquePrefix('key-bytes'), maxKeyBytes: 8 });
    await s.schedule({ key: 'x'.repeat(8), value: 1 });
    await s.schedule({ key: 'é'.repeat(4), value: 1 }); // 8 bytes
    for (const key of ['x'.repeat(9), 'é'.repeat(5)]) {
      await expect(s.schedule({ key, value: 1 })).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    }
    expect(await s.stats()).toMatchObject({ due: 2 });
  });

  it('logger: start, requeues, errors and stop are logged at their levels', async () => {
    const nsqd = await refusingNsqd();
    const lines: [keyof Logger, string][] = [];
    const record =
      (level: keyof Logger) =>
      (_obj: object | string, msg?: string): void => {
        lines.push([level, String(msg)]);
      };
    const logger: Logger = {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    };
    const s = scheduler({
      prefix: uniquePrefix('logger'),
      nsqd: nsqd.address,
      logger,
      publishRetries: 0,
      backoffMs: 60_000,
    });
    await s.schedule({ key: 'k', value: 1 });
    await s.start();
    await expect.poll(() => lines.some(([level]) => level === 'error'), { timeout: 10_000 }).toBe(true);
    await s.stop();
    running.splice(running.indexOf(s), 1);
    expect(lines).toEqual(
      expect.arrayContaining([
        ['info', 'hotconf: scheduler started'],
        ['warn', 'hotconf: could not connect to nsqd'],
        ['warn', 'hotconf: batch requeued'],
        ['error', 'hotconf: scheduler error'],
        ['info', 'hotconf: scheduler stopped'],
      ]),
    );
  });
});
