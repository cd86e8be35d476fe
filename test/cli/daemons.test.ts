import { afterEach, describe, expect, it } from 'vitest';
import { createScheduler, type Envelope, type Scheduler } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { collectMessages } from '../helpers/nsq.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';
import { parseJson, runCli, startCli, type CliProcess } from './run-cli.js';

const services = useServices({ nsqd: true });
const started: CliProcess[] = [];
const schedulers: Scheduler[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((cli) => cli.stop('SIGKILL')));
  await Promise.all(schedulers.splice(0).map((scheduler) => scheduler.stop()));
});

/** A deployment of a test's own: this file's services, a fresh prefix and topic, as flags too. */
function deployment(label: string): { prefix: string; topic: string; flags: string[] } {
  const prefix = uniquePrefix(label);
  const topic = `${prefix}.changes`;
  const { redis, nsqd } = services;
  return {
    prefix,
    topic,
    flags: ['--redis', redis.url, '--nsqd', nsqd.tcpAddress, '--prefix', prefix, '--topic', topic],
  };
}

function start(args: string[]): CliProcess {
  const cli = startCli(args);
  started.push(cli);
  return cli;
}

/** A scheduler of the library, in this process, stopped after the test. */
function libraryScheduler(prefix: string, topic: string): Scheduler {
  const scheduler = createScheduler({
    redis: connectRedis(services.redis.url),
    nsqd: services.nsqd.tcpAddress,
    topic,
    prefix,
  });
  schedulers.push(scheduler);
  return scheduler;
}

describe('hotconf scheduler', () => {
  it('publishes a due change to NSQ, then stops on SIGTERM with exit 0 and nothing held', async () => {
    const { topic, flags } = deployment('cli-scheduler');
    const consumer = await collectMessages(services.nsqd.tcpAddress, topic);
    const scheduler = start(['scheduler', '--json', ...flags]);
    await scheduler.waitForEvent((event) => event.event === 'started');

    const scheduled = parseJson<{ id: string; seq: number }>(
      await runCli(['schedule', 'switch=on', '--in', '200ms', '--json', ...flags]),
    );
    await consumer.waitForCount(1, 5_000);
    const envelope = JSON.parse(consumer.messages[0]!) as Envelope;
    expect(envelope).toMatchObject({
      id: scheduled.id,
      seq: scheduled.seq,
      changes: [{ key: 'switch', value: 'on' }],
    });
    const published = await scheduler.waitForEvent((event) => event.event === 'published');
    expect(published).toMatchObject({ id: scheduled.id, seq: scheduled.seq, lagMs: expect.any(Number) });
    await consumer.close();

    expect(parseJson(await runCli(['current', '--json', ...flags]))).toMatchObject({
      values: { switch: 'on' },
    });

    expect((await runCli(['schedule', 'later=1', '--in', '1h', ...flags])).code).toBe(0);
    expect(await scheduler.stop('SIGTERM')).toBe(0);
    expect(scheduler.events().map((event) => event.event)).toEqual([
      'starting',
      'started',
      'published',
      'stopping',
      'stopped',
    ]);
    expect(scheduler.stderr()).toBe('');
    expect(parseJson(await runCli(['stats', '--json', ...flags]))).toMatchObject({
      due: 0,
      processing: 0,
      dead: 0,
    });
  });
  it('stops on SIGTERM, exit 0, while it still waits for an unreachable Redis', async () => {
    const { flags } = deployment('cli-no-redis');
    const scheduler = start(['scheduler', '--json', ...flags, '--redis', 'redis://127.0.0.1:1']);
    await scheduler.waitForEvent((event) => event.event === 'starting');
    const started = Date.now();
    expect(await scheduler.stop('SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000); // not hanging until a reconnect succeeds
    expect(scheduler.events().map((event) => event.event)).toEqual(['starting', 'stopping', 'stopped']);
  });
});

describe('hotconf watch', () => {
  it('prints each change a scheduler publishes as it applies, and exits 0 on SIGINT', async () => {
    const { prefix, topic, flags } = deployment('cli-watch');
    const publisher = libraryScheduler(prefix, topic);
    await publisher.schedule({ key: 'before', value: 1 });
    await publisher.start();
    await new Promise<void>((resolve) => publisher.once('published', () => resolve()));

    // The channel is deleted over nsqd's HTTP port, which is not the TCP port + 1 here.
    const nsqdHttp = ['--nsqd-http', services.nsqd.httpAddress];
    const watch = start(['watch', '--json', '--service', 'cli-test', ...nsqdHttp, ...flags]);
    // The config in effect at start is loaded from the snapshot.
    expect(await watch.waitForEvent((event) => event.event === 'ready')).toMatchObject({ source: 'redis' });
    const scheduled = await publisher.schedule({
      changes: [
        { key: 'switch', value: 'on' },
        { key: 'before', deleted: true },
      ],
    });

    const change = await watch.waitForEvent((event) => event.event === 'change' && event.key === 'switch');
    expect(change).toEqual({
      event: 'change',
      key: 'switch',
      newValue: 'on',
      id: scheduled.id,
      effectiveAt: scheduled.effectiveAt,
    });
    expect(await watch.waitForEvent((event) => event.event === 'change' && event.key === 'before')).toEqual({
      event: 'change',
      key: 'before',
      oldValue: 1,
      id: scheduled.id,
      effectiveAt: scheduled.effectiveAt,
    });

    expect(await watch.stop('SIGINT')).toBe(0);
    expect(watch.stderr()).toBe('');
  });

  it('prints changes as text without --json', async () => {
    const { prefix, topic, flags } = deployment('cli-watch-text');
    const publisher = libraryScheduler(prefix, topic);
    await publisher.start();
    const watch = start(['watch', ...flags]);
    await watch.waitForLine((line) => line === `watching ${topic}: revision 0 from redis`);
    const scheduled = await publisher.schedule({ key: 'limit', value: 5 });
    const time = new Date(scheduled.effectiveAt).toISOString();
    await watch.waitForLine((line) => line === `${time}  limit: (unset) -> 5  (id ${scheduled.id})`);
    expect(await watch.stop('SIGTERM')).toBe(0);
  });
});
