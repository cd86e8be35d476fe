import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createConfigSubscriber,
  createRecipeBridge,
  createScheduler,
  type ChangeEvent,
  type RecipeBridge,
  type RecipeBridgeOptions,
  type Scheduler,
} from 'hotconf';
import { goAdminZadd, startGoConsumer, type GoConsumer } from '../../local-services/recipe-peer.js';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';

const services = useServices({ nsqd: true });
const closers: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function deployment(label: string) {
  const prefix = uniquePrefix(label);
  const recipeKey = `${prefix}:config:delayed:push`;
  const redis = connectRedis(services.redis.url);
  const redisAddress = `${services.redis.host}:${services.redis.port}`;
  const scheduler = (options: { legacyTopic?: string } = {}): Scheduler => {
    const created = createScheduler({
      redis: services.redis.url,
      nsqd: services.nsqd.tcpAddress,
      topic: `${prefix}.changes`,
      prefix,
      ...(options.legacyTopic ? { legacy: { topic: options.legacyTopic } } : {}),
    });
    closers.push(() => created.stop());
    return created;
  };
  const bridge = (on: Scheduler, options: Partial<RecipeBridgeOptions> = {}): RecipeBridge => {
    const created = createRecipeBridge({
      redis: services.redis.url,
      scheduler: on,
      key: recipeKey,
      ...options,
    });
    closers.push(() => created.stop());
    return created;
  };
  return { prefix, recipeKey, redis, redisAddress, scheduler, bridge };
}

async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('the recipe bridge', () => {
  it('makes members ZADDed by the Go admin (second scores) take effect at their time in subscribers and reach the Go consumer', async () => {
    const d = deployment('bridge-e2e');
    const legacyTopic = `${d.prefix}.config_push`;
    const consumer: GoConsumer = await startGoConsumer({
      nsqd: services.nsqd.tcpAddress,
      topic: legacyTopic,
      channel: 'channel1',
    });
    closers.push(() => consumer.stop());
    const scheduler = d.scheduler({ legacyTopic });
    await scheduler.start();
    const subscriber = createConfigSubscriber({
      redis: services.redis.url,
      nsqd: services.nsqd.tcpAddress,
      topic: `${d.prefix}.changes`,
      prefix: d.prefix,
      service: 'svc',
    });
    closers.push(() => subscriber.close());
    await subscriber.ready({ timeoutMs: 10_000 });
    const applied: (ChangeEvent & { appliedAt: number })[] = [];
    subscriber.on('change', (event) => applied.push({ ...event, appliedAt: Date.now() }));
    await d.bridge(scheduler).start();

    const second = nowSeconds() + 3;
    goAdminZadd({
      redis: d.redisAddress,
      key: d.recipeKey,
      score: second,
      member: '{"key":"switch","value":"on"}',
    });
    goAdminZadd({
      redis: d.redisAddress,
      key: d.recipeKey,
      score: second,
      member: '[{"key":"rps","value":100},{"key":"mode","value":"fast"}]',
    });

    // Moved as soon as they appear: pending in hotconf, gone from the recipe's ZSET, long before their time.
    await waitFor(async () => (await scheduler.pending()).length === 2, 2_000, 'the members to be pending');
    expect(await d.redis.zcard(d.recipeKey)).toBe(0);
    const pending = await scheduler.pending();
    expect(pending.map(({ effectiveAt }) => effectiveAt)).toEqual([second * 1000, second * 1000]);
    expect(pending.map(({ changes }) => changes)).toEqual(
      expect.arrayContaining([
        [{ key: 'switch', value: 'on' }],
        [
          { key: 'rps', value: 100 },
          { key: 'mode', value: 'fast' },
        ],
      ]),
    );
    expect(applied).toEqual([]);

    await waitFor(
      () => applied.length === 3 && consumer.decoded.length === 3,
      10_000,
      'the changes to apply',
    );
    for (const event of applied) {
      expect(event.effectiveAt).toBe(second * 1000);
      expect(event.appliedAt).toBeGreaterThanOrEqual(second * 1000 - 50); // clocks: Redis's and ours agree here
    }
    expect(subscriber.getAll()).toEqual({ switch: 'on', rps: 100, mode: 'fast' });
    expect(consumer.decoded.map(({ Key, Value }) => [Key, Value]).sort()).toEqual([
      ['mode', 'fast'],
      ['rps', '100'],
      ['switch', 'on'],
    ]);
    for (const { decodedAtMs } of consumer.decoded)
      expect(decodedAtMs).toBeGreaterThanOrEqual(second * 1000 - 50);
  });

  it('takes each member once with two bridges on one ZSET', async () => {
    const d = deployment('bridge-two');
    const total = 600;
    const pipeline = d.redis.pipeline();
    const future = nowSeconds() + 3600;
    for (let i = 0; i < total; i++)
      pipeline.zadd(d.recipeKey, future + i, JSON.stringify({ key: `k${i}`, value: i }));
    await pipeline.exec();

    const scheduler = d.scheduler();
    const bridges = [d.bridge(scheduler, { batchSize: 25 }), d.bridge(d.scheduler(), { batchSize: 25 })];
    const movedBy = [0, 0];
    bridges.forEach((bridge, i) => bridge.on('moved', ({ scheduled }) => (movedBy[i]! += scheduled)));
    await Promise.all(bridges.map((bridge) => bridge.start()));
    await waitFor(async () => (await d.redis.zcard(d.recipeKey)) === 0, 10_000, 'the ZSET to empty');

    const pending = await scheduler.pending({ limit: 1000 });
    expect(pending).toHaveLength(total);
    expect(new Set(pending.map(({ changes }) => changes[0]!.key)).size).toBe(total);
    expect(pending.map(({ effectiveAt }) => effectiveAt)).toEqual(
      Array.from({ length: total }, (_, i) => (future + i) * 1000),
    );
    expect(movedBy[0]! + movedBy[1]!).toBe(total);
  });

  it('dead-lists a member it cannot map, with the reason, and moves the others', async () => {
    const d = deployment('bridge-dead');
    const scheduler = d.scheduler();
    const score = nowSeconds() + 3600;
    const members = {
      good1: '{"key":"a","value":"1"}',
      notJson: '{key: a}',
      number: '42',
      noValue: '{"key":"b"}',
      emptyKey: '{"key":"","value":"x"}',
      twice: '[{"key":"c","value":1},{"key":"c","value":2}]',
      longKey: JSON.stringify({ key: 'k'.repeat(300), value: 1 }),
      tooLarge: JSON.stringify({ key: 'big', value: 'x'.repeat(1024 * 1024) }),
      good2: '{"key":"d","value":{"nested":true}}',
    };
    for (const member of Object.values(members)) await d.redis.zadd(d.recipeKey, score, member);
    await d.redis.zadd(d.recipeKey, '-inf', '{"key":"e","value":"at -inf"}');
    const bridge = d.bridge(scheduler);
    const deadEvents: string[] = [];
    bridge.on('dead', ({ member }) => deadEvents.push(member));
    await bridge.start();
    await waitFor(async () => (await d.redis.zcard(d.recipeKey)) === 0, 5_000, 'the ZSET to empty');

    const pending = await scheduler.pending();
    expect(pending.map(({ changes }) => changes[0]!.key).sort()).toEqual(['a', 'd']);
    expect(pending.map(({ changes }) => changes)).toEqual(
      expect.arrayContaining([[{ key: 'a', value: '1' }], [{ key: 'd', value: { nested: true } }]]),
    );
    const dead = await bridge.dead();
    const labelOf = new Map<string, string>(
      Object.entries(members).map(([label, member]) => [member, label]),
    );
    labelOf.set('{"key":"e","value":"at -inf"}', 'minusInf');
    const reasons = Object.fromEntries(dead.map(({ member, reason }) => [labelOf.get(member), reason]));
    expect(Object.keys(reasons).sort()).toEqual(
      ['notJson', 'number', 'noValue', 'emptyKey', 'twice', 'longKey', 'tooLarge', 'minusInf'].sort(),
    );
    expect(reasons.notJson).toMatch(/^not JSON/);
    expect(reasons.number).toMatch(/not a \{"key","value"\} object/);
    expect(reasons.noValue).toMatch(/E_INVALID_ARGUMENT: .*needs a value/);
    expect(reasons.emptyKey).toMatch(/E_INVALID_ARGUMENT: .*key must be a non-empty string/);
    expect(reasons.twice).toMatch(/E_INVALID_ARGUMENT: .*appears twice/);
    expect(reasons.longKey).toMatch(/E_INVALID_ARGUMENT: .*at most 256 bytes/);
    expect(reasons.tooLarge).toMatch(/^E_PAYLOAD_TOO_LARGE/);
    expect(reasons.minusInf).toMatch(/score -inf is not a time/);
    expect(dead.every(({ score: s, at }) => typeof s === 'string' && at > 0)).toBe(true);
    expect(deadEvents.map((member) => labelOf.get(member)).sort()).toEqual(Object.keys(reasons).sort());

    expect(await bridge.purgeDead(dead.slice(0, 2).map(({ id }) => id))).toBe(2);
    expect(await bridge.dead()).toHaveLength(dead.length - 2);
  });

  it('makes a member ZADDed again after it was moved a second change (while in the ZSET it is one member)', async () => {
    const d = deployment('bridge-twice');
    const scheduler = d.scheduler();
    const bridge = d.bridge(scheduler);
    const score = nowSeconds() + 3600;
    const member = '{"key":"switch","value":"on"}';
    // Twice into the ZSET before the bridge runs: the ZSET holds it once.
    await d.redis.zadd(d.recipeKey, score, member);
    await d.redis.zadd(d.recipeKey, score, member);
    await bridge.moveOnce();
    await d.redis.zadd(d.recipeKey, score, member);
    await bridge.moveOnce();
    const pending = await scheduler.pending();
    expect(pending).toHaveLength(2);
    expect(new Set(pending.map(({ id }) => id)).size).toBe(2);
    expect(new Set(pending.map(({ seq }) => seq)).size).toBe(2);
    expect(pending.map(({ changes }) => changes)).toEqual([
      [{ key: 'switch', value: 'on' }],
      [{ key: 'switch', value: 'on' }],
    ]);
  });

  it("in mode 'due' leaves members in the ZSET until they are due (a ZREM there still cancels), then moves them", async () => {
    const d = deployment('bridge-due');
    const scheduler = d.scheduler();
    await scheduler.start();
    const bridge = d.bridge(scheduler, { mode: 'due', scoreUnit: 'ms' });
    await bridge.start();
    const dueAt = Date.now() + 1_500;
    await d.redis.zadd(d.recipeKey, dueAt, '{"key":"kept","value":1}');
    await d.redis.zadd(d.recipeKey, dueAt, '{"key":"cancelled","value":1}');
    await sleep(500);
    expect(await d.redis.zcard(d.recipeKey)).toBe(2);
    expect(await scheduler.pending()).toEqual([]);
    await d.redis.zrem(d.recipeKey, '{"key":"cancelled","value":1}');
    await waitFor(async () => 'kept' in (await scheduler.current()).values, 5_000, 'the member to apply');
    expect(Date.now()).toBeGreaterThanOrEqual(dueAt - 50);
    expect(await d.redis.zcard(d.recipeKey)).toBe(0);
    expect((await scheduler.current()).values).toEqual({ kept: 1 });
  });

  it("reads scores as ms with scoreUnit 'ms', and as seconds or ms by size with 'auto'", async () => {
    const d = deployment('bridge-units');
    const scheduler = d.scheduler();
    const atMs = Date.now() + 3_600_123;
    await d.redis.zadd(d.recipeKey, atMs, '{"key":"ms","value":1}');
    await d.redis.zadd(d.recipeKey, atMs / 1000, '{"key":"seconds","value":1}');
    await d.bridge(scheduler, { scoreUnit: 'auto' }).moveOnce();
    expect((await scheduler.pending()).map(({ effectiveAt }) => effectiveAt)).toEqual([atMs, atMs]);

    const e = deployment('bridge-ms');
    const other = e.scheduler();
    await e.redis.zadd(e.recipeKey, atMs, '{"key":"ms","value":1}');
    await e.bridge(other, { scoreUnit: 'ms' }).moveOnce();
    expect((await other.pending()).map(({ effectiveAt }) => effectiveAt)).toEqual([atMs]);
  });

  it.each([
    ['no options', null],
    ['no scheduler', { scheduler: {} }],
    ['an unknown scoreUnit', { scoreUnit: 'minutes' }],
    ['an unknown mode', { mode: 'later' }],
    ["mode 'due' with scoreUnit 'auto'", { mode: 'due', scoreUnit: 'auto' }],
    ['an empty key', { key: '' }],
    ['batchSize 0', { batchSize: 0 }],
    ['pollMs 0.5', { pollMs: 0.5 }],
    ['a redis that is none', { redis: 'localhost:6379' }],
  ])('refuses %s with E_INVALID_ARGUMENT', (_what, overrides) => {
    const d = deployment('bridge-options');
    const options =
      overrides === null
        ? null
        : { redis: services.redis.url, scheduler: d.scheduler(), key: 'k', ...overrides };
    expect(() => createRecipeBridge(options as unknown as RecipeBridgeOptions)).toThrow(
      expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }),
    );
  });
});
