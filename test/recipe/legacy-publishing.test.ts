import { afterEach, describe, expect, it } from 'vitest';
import { createScheduler, HotconfError, type Scheduler, type SchedulerOptions } from 'hotconf';
import { startGoConsumer, type GoConsumer } from '../../local-services/recipe-peer.js';
import { useServices } from '../helpers/fixtures.js';
import { collectMessages } from '../helpers/nsq.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';

const services = useServices({ nsqd: true });
const schedulers: Scheduler[] = [];
const consumers: GoConsumer[] = [];

afterEach(async () => {
  await Promise.all(schedulers.splice(0).map((scheduler) => scheduler.stop()));
  await Promise.all(consumers.splice(0).map((consumer) => consumer.stop()));
});

function deployment(label: string): { prefix: string; topic: string; legacyTopic: string } {
  const prefix = uniquePrefix(label);
  return { prefix, topic: `${prefix}.changes`, legacyTopic: `${prefix}.config_push` };
}

async function startLegacyScheduler(
  { prefix, topic, legacyTopic }: ReturnType<typeof deployment>,
  options: Partial<SchedulerOptions> = {},
): Promise<Scheduler> {
  const scheduler = createScheduler({
    redis: connectRedis(services.redis.url),
    nsqd: services.nsqd.tcpAddress,
    topic,
    prefix,
    legacy: { topic: legacyTopic },
    ...options,
  });
  schedulers.push(scheduler);
  await scheduler.start();
  return scheduler;
}

async function goConsumer(topic: string, channel = 'channel1'): Promise<GoConsumer> {
  const consumer = await startGoConsumer({ nsqd: services.nsqd.tcpAddress, topic, channel });
  consumers.push(consumer);
  return consumer;
}

const pairs = (consumer: GoConsumer): [string, string][] =>
  consumer.decoded.map(({ Key, Value }) => [Key, Value]);

describe('legacy publishing to the recipe’s Go consumers', () => {
  it('delivers every change decoded into {Key, Value}: strings as they are, other JSON as its text, a change set as one message per key, in version order', async () => {
    const names = deployment('legacy-values');
    const consumer = await goConsumer(names.legacyTopic);
    const envelopes = await collectMessages(services.nsqd.tcpAddress, names.topic);
    const scheduler = await startLegacyScheduler(names);
    // One instant for all: claimed together, in the order of their random ids; only seq can order them.
    const at = Date.now() + 1_000;
    await scheduler.schedule({ key: 'switch', value: 'on' }, { at });
    await scheduler.schedule({ key: 'rps', value: 100 }, { at });
    await scheduler.schedule({ key: 'limits', value: { rps: 200, burst: [1, 2] } }, { at });
    await scheduler.schedule({ key: 'flag', value: true }, { at });
    await scheduler.schedule({ key: 'nothing', value: null }, { at });
    await scheduler.schedule({ key: 'text', value: 'héllo "quoted"\n\t✓' }, { at });
    await scheduler.schedule({ key: 'json-looking', value: '{"a":1}' }, { at });
    await scheduler.schedule(
      {
        changes: [
          { key: 'a', value: '1' },
          { key: 'b', value: 2 },
          { key: 'c', value: 'three' },
        ],
      },
      { at },
    );

    await consumer.waitForCount(10, 15_000);
    expect(pairs(consumer)).toEqual([
      ['switch', 'on'],
      ['rps', '100'],
      ['limits', '{"rps":200,"burst":[1,2]}'],
      ['flag', 'true'],
      ['nothing', 'null'],
      ['text', 'héllo "quoted"\n\t✓'],
      ['json-looking', '{"a":1}'],
      ['a', '1'],
      ['b', '2'],
      ['c', 'three'],
    ]);
    // The envelope topic still gets one envelope per change set.
    await envelopes.waitForCount(8, 5_000);
    await envelopes.close();
  });

  it('skips deletes by default and sends them as deletedValue when it is given', async () => {
    const skipping = deployment('legacy-skip');
    const skipConsumer = await goConsumer(skipping.legacyTopic);
    const skipper = await startLegacyScheduler(skipping);
    await skipper.schedule({
      changes: [
        { key: 'gone', deleted: true },
        { key: 'kept', value: 'x' },
      ],
    });
    await skipper.schedule({ key: 'gone-too', deleted: true });
    await skipper.schedule({ key: 'last', value: 'y' });
    await skipConsumer.waitForCount(2, 15_000);

    const emptying = deployment('legacy-empty');
    const emptyConsumer = await goConsumer(emptying.legacyTopic);
    const emptier = await startLegacyScheduler(emptying, {
      legacy: { topic: emptying.legacyTopic, deletedValue: '' },
    });
    await emptier.schedule({
      changes: [
        { key: 'gone', deleted: true },
        { key: 'kept', value: 'x' },
      ],
    });
    await emptyConsumer.waitForCount(2, 15_000);

    expect(pairs(skipConsumer)).toEqual([
      ['kept', 'x'],
      ['last', 'y'],
    ]);
    expect(pairs(emptyConsumer)).toEqual([
      ['gone', ''],
      ['kept', 'x'],
    ]);
  });

  it('splits messages between two Go consumers on one channel, and gives each channel all of them', async () => {
    const names = deployment('legacy-fanout');
    const shared = [await goConsumer(names.legacyTopic), await goConsumer(names.legacyTopic)];
    const other = await goConsumer(names.legacyTopic, 'channel2');
    const scheduler = await startLegacyScheduler(names);
    const total = 300;
    for (let i = 0; i < total; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) => scheduler.schedule({ key: `k${i + j}`, value: `v${i + j}` })),
      );
    }
    await other.waitForCount(total, 20_000);
    const deadline = Date.now() + 20_000;
    while (shared[0]!.decoded.length + shared[1]!.decoded.length < total && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const all = Array.from({ length: total }, (_, i) => `k${i}`).sort();
    const [first, second] = shared.map((consumer) => consumer.decoded.map(({ Key }) => Key));
    expect(first!.length).toBeGreaterThan(0);
    expect(second!.length).toBeGreaterThan(0);
    expect([...first!, ...second!].sort()).toEqual(all); // each message to exactly one of the two
    expect(other.decoded.map(({ Key }) => Key).sort()).toEqual(all);
  });
});

describe('the legacy option', () => {
  const base = () => ({
    redis: connectRedis(services.redis.url),
    topic: 'changes',
    prefix: uniquePrefix('opt'),
  });

  it.each([
    ['not an object', 'config_push'],
    ['a bad topic name', { topic: 'config push!' }],
    ['the envelope topic', { topic: 'changes' }],
    ['a deletedValue that is not a string', { topic: 'config_push', deletedValue: 0 }],
  ])('refuses %s with E_INVALID_ARGUMENT', (_what, legacy) => {
    expect(() => createScheduler({ ...base(), legacy } as unknown as SchedulerOptions)).toThrow(
      expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }),
    );
  });

  it('refuses at schedule time a change whose recipe body would exceed maxMessageBytes, writing nothing', async () => {
    const options = base();
    const redis = connectRedis(services.redis.url);
    const scheduler = createScheduler({
      ...options,
      maxMessageBytes: 1_000,
      legacy: { topic: 'config_push' },
    });
    schedulers.push(scheduler);
    // Its envelope fits (~640 bytes) but as JSON text inside a JSON string every quote is escaped twice.
    const value = { quotes: '"'.repeat(300) };
    const before = await redis.keys(`{${options.prefix}}*`);
    const refused = await scheduler.schedule({ key: 'k', value }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HotconfError);
    expect((refused as HotconfError).code).toBe('E_PAYLOAD_TOO_LARGE');
    expect(await redis.keys(`{${options.prefix}}*`)).toEqual(before);
    // Without legacy publishing the same change is accepted.
    const plain = createScheduler({ ...base(), maxMessageBytes: 1_000 });
    schedulers.push(plain);
    await expect(plain.schedule({ key: 'k', value })).resolves.toMatchObject({ seq: 1 });
  });
});
