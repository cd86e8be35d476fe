import { afterEach, describe, expect, it } from 'vitest';
import { createScheduler } from 'hotconf';
import { startGoConsumer } from '../../local-services/recipe-peer.js';
import { runCli, startCli, type CliProcess } from '../cli/run-cli.js';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';

const services = useServices({ nsqd: true });
const started: CliProcess[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((cli) => cli.stop('SIGKILL')));
});

describe('hotconf bridge', () => {
  it('runs the bridge as a process: moves members, dead-lists the malformed one, lists the dead list, stops on SIGTERM', async () => {
    const prefix = uniquePrefix('bridge-cli');
    const key = `${prefix}:config:delayed:push`;
    const redis = connectRedis(services.redis.url);
    const score = Math.floor(Date.now() / 1000) + 3600;
    await redis.zadd(key, score, '{"key":"switch","value":"on"}', score, 'not json');
    const flags = ['--redis', services.redis.url, '--prefix', prefix, '--key', key];

    const cli = startCli(['bridge', ...flags, '--json']);
    started.push(cli);
    await cli.waitForEvent((event) => event.event === 'moved', 10_000);
    expect(cli.events().filter((event) => event.event === 'moved')).toEqual([
      { event: 'moved', scheduled: 1, dead: 1 },
    ]);
    expect(cli.events().find((event) => event.event === 'dead')).toMatchObject({
      member: 'not json',
      score: String(score),
    });
    expect(await cli.stop('SIGTERM')).toBe(0);
    expect(cli.events().at(-1)).toEqual({ event: 'stopped' });

    const scheduler = createScheduler({ redis: services.redis.url, topic: 'unused', prefix });
    expect((await scheduler.pending()).map(({ changes, effectiveAt }) => ({ changes, effectiveAt }))).toEqual(
      [{ changes: [{ key: 'switch', value: 'on' }], effectiveAt: score * 1000 }],
    );
    await scheduler.stop();

    const listed = await runCli(['bridge', ...flags, '--dead']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`score ${score}  not json  not JSON`));
  });

  it('hotconf scheduler --legacy-topic publishes the recipe bodies the Go consumer decodes', async () => {
    const prefix = uniquePrefix('scheduler-cli');
    const legacyTopic = `${prefix}.config_push`;
    const consumer = await startGoConsumer({
      nsqd: services.nsqd.tcpAddress,
      topic: legacyTopic,
      channel: 'channel1',
    });
    try {
      const cli = startCli([
        'scheduler',
        ...['--redis', services.redis.url, '--nsqd', services.nsqd.tcpAddress, '--prefix', prefix],
        ...['--topic', `${prefix}.changes`, '--legacy-topic', legacyTopic, '--json'],
      ]);
      started.push(cli);
      await cli.waitForEvent((event) => event.event === 'started', 10_000);
      const scheduler = createScheduler({ redis: services.redis.url, topic: `${prefix}.changes`, prefix });
      await scheduler.schedule({ key: 'rps', value: 100 });
      await scheduler.stop();
      await consumer.waitForCount(1, 10_000);
      expect(consumer.decoded.map(({ Key, Value }) => [Key, Value])).toEqual([['rps', '100']]);
    } finally {
      await consumer.stop();
    }
  });

  it('refuses an unknown --score-unit or --mode as a usage error', async () => {
    for (const words of [
      ['--score-unit', 'minutes'],
      ['--mode', 'later'],
    ]) {
      const result = await runCli(['bridge', '--redis', services.redis.url, ...words]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`hotconf: ${words[0]} takes`));
    }
  });
});
