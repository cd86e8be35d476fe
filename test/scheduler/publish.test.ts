import { afterEach, describe, expect, it } from 'vitest';
import { createDelayQueue, type Envelope, type PublishedEvent, type Scheduler } from 'hotconf';
import { collectMessages } from '../helpers/nsq.js';
import { useServices } from '../helpers/fixtures.js';
import { testScheduler } from '../helpers/test-scheduler.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';

const services = useServices({ nsqd: true });
const running: Scheduler[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((scheduler) => scheduler.stop()));
});

async function startScheduler(prefix: string, batchSize = 100): Promise<Scheduler> {
  const scheduler = testScheduler(services, prefix, { batchSize });
  running.push(scheduler);
  await scheduler.start();
  return scheduler;
}

describe('the claim → publish → ack loop', () => {
  it('publishes each of 5,000 changes exactly once with 3 schedulers on one prefix', async () => {
    const prefix = uniquePrefix('three');
    const topic = `${prefix}.changes`;
    const consumer = await collectMessages(services.nsqd.tcpAddress, topic);
    const schedulers = await Promise.all([1, 2, 3].map(() => startScheduler(prefix, 50)));
    const publishedBy = schedulers.map(() => 0);
    schedulers.forEach((scheduler, index) => scheduler.on('published', () => (publishedBy[index]! += 1)));

    const admin = schedulers[0]!;
    const total = 5_000;
    const scheduled = new Map<string, { seq: number; effectiveAt: number; value: number }>();
    for (let start = 0; start < total; start += 500) {
      const batch = await Promise.all(
        Array.from({ length: 500 }, (_, i) =>
          admin.schedule({ key: `key-${(start + i) % 97}`, value: start + i }),
        ),
      );
      batch.forEach(({ id, seq, effectiveAt }, i) =>
        scheduled.set(id, { seq, effectiveAt, value: start + i }),
      );
    }

    await consumer.waitForExactly(total, 30_000);
    const envelopes = consumer.messages.map((body) => JSON.parse(body) as Envelope);
    const ids = envelopes.map((envelope) => envelope.id);
    expect(new Set(ids).size).toBe(total);
    expect(ids.every((id) => scheduled.has(id))).toBe(true);
    for (const envelope of envelopes) {
      const expected = scheduled.get(envelope.id)!;
      expect(Object.keys(envelope)).toEqual(['v', 'id', 'seq', 'effectiveAt', 'publishedAt', 'changes']);
      expect(envelope).toMatchObject({ v: 1, seq: expected.seq, effectiveAt: expected.effectiveAt });
      expect(envelope.changes).toEqual([{ key: `key-${expected.value % 97}`, value: expected.value }]);
      expect(envelope.publishedAt).toBeGreaterThanOrEqual(envelope.effectiveAt - 5);
    }
    expect(publishedBy.reduce((a, b) => a + b)).toBe(total);
    expect(publishedBy.filter((count) => count > 0).length).toBeGreaterThan(1);
    expect(await admin.stats()).toMatchObject({ due: 0, processing: 0, dead: 0 });
    await consumer.close();
  });

  it('publishes a change due in 1 s on time, and one scheduled for now at once while sleeping on a far-off one', async () => {
    const prefix = uniquePrefix('timing');
    const topic = `${prefix}.changes`;
    const consumer = await collectMessages(services.nsqd.tcpAddress, topic);
    const scheduler = await startScheduler(prefix);
    const published: PublishedEvent[] = [];
    scheduler.on('published', (event) => published.push(event));

    await scheduler.schedule({ key: 'far', value: 1 }, { delayMs: 3_600_000 });
    const dueSoon = await scheduler.schedule({ key: 'soon', value: 1 }, { delayMs: 1_000 });
    // Waits for the event itself; on time is asserted on its timestamps, not by how long this took.
    await expect.poll(() => published.length, { timeout: 20_000, interval: 20 }).toBe(1);
    const onTime = published[0]!;
    expect(onTime.id).toBe(dueSoon.id);
    expect(onTime.publishedAt).toBeGreaterThanOrEqual(dueSoon.effectiveAt);
    console.log(`due → published lag of a change due in 1 s: ${onTime.lagMs} ms`);

    // The loop now sleeps until the far-off change, an hour away: a change for now must wake it.
    const now = await scheduler.schedule({ key: 'now', value: 1 });
    await expect.poll(() => published.length, { timeout: 20_000, interval: 10 }).toBe(2);
    expect(published[1]!.id).toBe(now.id);
    console.log(
      `due → published lag of a change scheduled for now while sleeping: ${published[1]!.lagMs} ms`,
    );
    expect(published[1]!.lagMs).toBeLessThan(1_000);
    await consumer.waitForCount(2, 10_000);
    await consumer.close();
  });

  it('applies changes in version order: a change scheduled later but effective earlier never overwrites', async () => {
    const prefix = uniquePrefix('order');
    const scheduler = testScheduler(services, prefix);
    running.push(scheduler);
    const newer = await scheduler.schedule({ key: 'mode', value: 'newer' }, { delayMs: 300 });
    const older = await scheduler.schedule({ key: 'mode', value: 'older' }, { delayMs: 100 });
    expect(older.seq).toBeGreaterThan(newer.seq);
    expect(older.effectiveAt).toBeLessThan(newer.effectiveAt);

    // A holder claims the older change and stalls; it comes back only after the newer one is in effect.
    const stalled = createDelayQueue({ redis: connectRedis(services.redis.url), prefix, leaseMs: 700 });
    await expect
      .poll(async () => (await stalled.claim()).items.map((item) => item.id), { interval: 20 })
      .toEqual([older.id]);
    const published: string[] = [];
    scheduler.on('published', (event) => published.push(event.id));
    await scheduler.start();
    await expect.poll(() => published.length, { timeout: 20_000, interval: 20 }).toBe(2);
    expect(published).toEqual([newer.id, older.id]);
    expect((await scheduler.current()).values).toEqual({ mode: 'newer' });

    // A delete is a versioned change like any other.
    await scheduler.schedule({ key: 'mode', deleted: true });
    await expect.poll(async () => (await scheduler.current()).values, { timeout: 3_000 }).toEqual({});
  });

  it('keeps values byte for byte in the snapshot and the envelope: large numbers, [] and unicode', async () => {
    const prefix = uniquePrefix('values');
    const topic = `${prefix}.changes`;
    const consumer = await collectMessages(services.nsqd.tcpAddress, topic);
    const scheduler = await startScheduler(prefix);
    const values = {
      big: 9007199254740991,
      float: 0.1 + 0.2,
      empty: [],
      nested: { a: [{}] },
      text: 'é ✓ 𝄞 "q" ;|d',
    };
    await scheduler.schedule({ changes: Object.entries(values).map(([key, value]) => ({ key, value })) });
    await consumer.waitForCount(1, 10_000);
    expect((await scheduler.current()).values).toEqual(values);
    const envelope = JSON.parse(consumer.messages[0]!) as Envelope;
    expect(
      Object.fromEntries(envelope.changes.map((change) => [change.key, 'value' in change && change.value])),
    ).toEqual(values);
    await consumer.close();
  });
});
