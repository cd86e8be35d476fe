import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createScheduler, type RequeuedEvent } from 'hotconf';
import { collectMessages } from '../helpers/nsq.js';
import { useServices } from '../helpers/fixtures.js';
import { expectErrors } from './expect-errors.js';
import { testScheduler } from '../helpers/test-scheduler.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';
import { startNsqdProxy } from './nsqd-proxy.js';

const services = useServices({ nsqd: true, private: true });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('faults lose nothing', () => {
  it('keeps current() on time while nsqd is down and publishes every change once it is back', async () => {
    const prefix = uniquePrefix('nsqd-down');
    const topic = `${prefix}.changes`;
    const scheduler = testScheduler(services, prefix, { backoffMs: 100, maxBackoffMs: 1_000 });
    const requeued: RequeuedEvent[] = [];
    scheduler.on('requeued', (event) => requeued.push(event));
    const errors = expectErrors(scheduler, 'E_PUBLISH_FAILED'); // expected while nsqd is down
    await scheduler.start();

    await services.nsqd.kill();
    const killedAt = Date.now();
    const expected: Record<string, number> = {};
    const ids = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const { id } = await scheduler.schedule({ key: `key-${i % 10}`, value: i }, { delayMs: 200 + i * 20 });
      ids.add(id);
      expected[`key-${i % 10}`] = i;
    }
    // The snapshot is the truth: it is right on time although nothing can be published.
    await expect.poll(async () => (await scheduler.current()).values, { timeout: 3_000 }).toEqual(expected);
    expect(requeued.length).toBeGreaterThan(0);

    await sleep(5_000 - (Date.now() - killedAt));
    await services.nsqd.start();
    const consumer = await collectMessages(services.nsqd.tcpAddress, topic);
    await consumer.waitForCount(ids.size, 20_000);
    const received = consumer.messages.map((body) => (JSON.parse(body) as { id: string }).id);
    expect(new Set(received)).toEqual(ids);
    expect(await scheduler.stats()).toMatchObject({ due: 0, scheduled: 0, processing: 0, dead: 0 });
    expect((await scheduler.current()).values).toEqual(expected);
    expect(errors.all.length).toBeGreaterThan(0);
    expect(errors.unexpected()).toEqual([]);
    await consumer.close();
    await scheduler.stop();
  }, 40_000);

  it('republishes the changes of a SIGKILLed scheduler once their lease expired, within one reap interval, once each', async () => {
    const prefix = uniquePrefix('killed');
    const topic = `${prefix}.changes`;
    const leaseMs = 1_500;
    const reapIntervalMs = 250;
    // The doomed scheduler's publish hangs on a black hole while it keeps extending its leases.
    const blackHole = await startBlackHole();
    const redis = connectRedis(services.redis.url);
    const admin = createScheduler({ redis, topic, prefix });
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) ids.add((await admin.schedule({ key: `k${i}`, value: i })).id);

    const doomed = fork(
      new URL('./fixtures/scheduler-process.mjs', import.meta.url),
      [services.redis.url, blackHole.address, prefix, topic, String(leaseMs)],
      { stdio: 'ignore' },
    );
    await once(doomed, 'message');
    await expect
      .poll(async () => (await admin.stats()).processing, { timeout: 5_000, interval: 20 })
      .toBe(20);
    doomed.kill('SIGKILL');
    await once(doomed, 'exit');
    const killedAt = Date.now();
    // The lease deadline the killed scheduler last set (Redis server clock): one for the whole batch.
    const deadlines = new Set(
      (await redis.zrange(`{${prefix}}:processing`, 0, -1, 'WITHSCORES')).filter((_, i) => i % 2 === 1),
    );
    expect(deadlines.size).toBe(1);
    const deadline = Number([...deadlines][0]);
    expect(deadline - killedAt).toBeLessThanOrEqual(leaseMs); // at most one lease after the kill

    const consumer = await collectMessages(services.nsqd.tcpAddress, topic);
    const rescuer = testScheduler(services, prefix, { leaseMs, reapIntervalMs });
    const publishedAt: number[] = [];
    rescuer.on('published', (event) => publishedAt.push(event.publishedAt));
    await rescuer.start();
    await consumer.waitForExactly(ids.size, 10_000);
    await expect.poll(() => publishedAt.length, { timeout: 5_000, interval: 20 }).toBe(ids.size);
    // Taken over only after the lease expired, and by the first reap after that: the reap runs every
    // reapIntervalMs, then one claim and one MPUB (allowed 300 ms on a loaded machine).
    for (const at of publishedAt) {
      expect(at).toBeGreaterThanOrEqual(deadline);
      expect(at - deadline).toBeLessThanOrEqual(reapIntervalMs + 300);
    }
    console.log(
      `changes of the killed scheduler republished ${Math.max(...publishedAt) - killedAt} ms after SIGKILL ` +
        `(lease ${leaseMs} ms, expired ${deadline - killedAt} ms after SIGKILL, reap every ${reapIntervalMs} ms)`,
    );
    const received = consumer.messages.map((body) => (JSON.parse(body) as { id: string }).id);
    expect(received).toHaveLength(ids.size);
    expect(new Set(received)).toEqual(ids);
    expect(await admin.stats()).toMatchObject({ processing: 0, due: 0 });

    await Promise.all([consumer.close(), rescuer.stop(), admin.stop()]);
    await blackHole.close();
  }, 30_000);
});

describe('stop()', () => {
  it('waits for a publish nsqd never acknowledges (publishTimeoutMs), gives its batch back at once and leaves the app its Redis', async () => {
    const prefix = uniquePrefix('stop');
    const topic = `${prefix}.changes`;
    // A real nsqd behind a proxy that passes the handshake and then swallows the MPUB: the connection is
    // up within connectTimeoutMs, so only publishTimeoutMs can end the publish.
    const hungNsqd = await startNsqdProxy(services.nsqd.tcpAddress, { hangOnPublish: true });
    const redis = connectRedis(services.redis.url);
    const scheduler = createScheduler({
      redis,
      nsqd: hungNsqd.address,
      topic,
      prefix,
      connectTimeoutMs: 10_000,
      publishTimeoutMs: 1_000,
    });
    const errors: Error[] = [];
    scheduler.on('error', (error) => errors.push(error)); // the publish fails, as intended
    for (let i = 0; i < 5; i++) await scheduler.schedule({ key: `k${i}`, value: i });
    await scheduler.start();
    await expect.poll(async () => (await scheduler.stats()).processing, { interval: 20 }).toBe(5);

    const stoppedAfter = Date.now();
    await scheduler.stop();
    expect(Date.now() - stoppedAfter).toBeLessThan(3_000); // one publish timeout, no retry, no backoff
    expect(errors.map((error) => error.message)).toEqual([
      expect.stringContaining('no acknowledgement within 1000 ms'),
    ]);
    // Given back without delay: in effect already, so awaiting republish (not pending), from now on and not
    // held until a lease would have run out.
    const admin = createScheduler({ redis, topic, prefix });
    expect(await admin.stats()).toMatchObject({ awaitingPublish: 5, due: 0, processing: 0 });
    const [seconds, micros] = await redis.time();
    const nowMs = Number(seconds) * 1000 + Number(micros) / 1000;
    const republishAt = (await redis.zrange(`{${prefix}}:republish`, 0, -1, 'WITHSCORES')).filter(
      (_, i) => i % 2 === 1,
    );
    expect(republishAt).toHaveLength(5);
    for (const at of republishAt) expect(Number(at)).toBeLessThanOrEqual(nowMs);
    expect(await redis.ping()).toBe('PONG');
    await hungNsqd.close();
  });
});

describe('stop() while start() waits for a Redis that does not answer', () => {
  it('rejects the start with E_CLOSED and closes every connection it opened', async () => {
    const hungRedis = await startBlackHole();
    const prefix = uniquePrefix('hung');
    const scheduler = createScheduler({
      redis: `redis://${hungRedis.address}`,
      nsqd: services.nsqd.tcpAddress,
      topic: `${prefix}.changes`,
      prefix,
    });
    const starting = scheduler.start().catch((error: unknown) => error);
    await expect.poll(() => hungRedis.sockets.length).toBeGreaterThanOrEqual(2); // main + wake listener
    await scheduler.stop();
    expect(await starting).toMatchObject({ code: 'E_CLOSED' });
    await expect.poll(() => hungRedis.sockets.filter((socket) => !socket.closed).length).toBe(0);
    await hungRedis.close();
  });
});

describe('stop() while start() waits for a Redis that refuses connections', () => {
  it('rejects the start with E_CLOSED', async () => {
    const prefix = uniquePrefix('refused');
    const scheduler = createScheduler({
      redis: 'redis://127.0.0.1:1', // nothing listens on port 1
      nsqd: services.nsqd.tcpAddress,
      topic: `${prefix}.changes`,
      prefix,
    });
    const starting = scheduler.start().catch((error: unknown) => error);
    await sleep(300);
    await scheduler.stop();
    expect(await starting).toMatchObject({ code: 'E_CLOSED' });
  });
});

/** A server that accepts connections and never answers: a hung nsqd, or a hung Redis. */
async function startBlackHole(): Promise<{
  server: Server;
  address: string;
  sockets: Socket[];
  close(): Promise<void>;
}> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.resume(); // reads and drops what it is sent, so it sees the client close
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    server,
    address: `127.0.0.1:${port}`,
    sockets,
    close: async () => {
      sockets.forEach((socket) => socket.destroy());
      server.close();
      await once(server, 'close');
    },
  };
}
