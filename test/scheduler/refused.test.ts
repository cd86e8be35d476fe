import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Envelope, type RequeuedEvent } from 'hotconf';
import { startNsqd, type Nsqd } from '../../local-services/services.js';
import { collectMessages } from '../helpers/nsq.js';
import { useServices } from '../helpers/fixtures.js';
import { testScheduler } from '../helpers/test-scheduler.js';
import { uniquePrefix } from '../helpers/redis.js';

const services = useServices({ nsqd: true });
const MAX_MSG_SIZE = 4_096;
let smallNsqd: Nsqd;

beforeAll(async () => {
  // An nsqd that refuses any message over 4 KiB (E_BAD_MESSAGE), while hotconf accepts up to 1 MiB.
  smallNsqd = await startNsqd({ private: true, args: [`--max-msg-size=${MAX_MSG_SIZE}`] });
});
afterAll(async () => {
  await smallNsqd?.dispose();
});

describe('a change set nsqd refuses', () => {
  it('is split from its batch: the others are published, it is retried alone, then given up with an error', async () => {
    const prefix = uniquePrefix('refused');
    const topic = `${prefix}.changes`;
    const consumer = await collectMessages(smallNsqd.tcpAddress, topic);
    const scheduler = testScheduler(services, prefix, {
      nsqd: smallNsqd.tcpAddress,
      backoffMs: 50,
      maxBackoffMs: 100,
      maxRefusedAttempts: 3,
    });
    const published: string[] = [];
    const requeued: RequeuedEvent[] = [];
    const errors: { code?: string; message: string }[] = [];
    scheduler.on('published', (event) => published.push(event.id));
    scheduler.on('requeued', (event) => requeued.push(event));
    scheduler.on('error', (error) => errors.push(error as { code?: string; message: string }));

    const small: string[] = [];
    for (let i = 0; i < 6; i++) small.push((await scheduler.schedule({ key: `small-${i}`, value: i })).id);
    const big = await scheduler.schedule({ key: 'big', value: 'x'.repeat(MAX_MSG_SIZE * 2) });
    for (let i = 6; i < 12; i++) small.push((await scheduler.schedule({ key: `small-${i}`, value: i })).id);
    await scheduler.start(); // all 13 are due: one batch

    await expect
      .poll(() => errors.some((error) => error.code === 'E_UNPUBLISHABLE'), { timeout: 15_000, interval: 20 })
      .toBe(true);
    const giveUp = errors.find((error) => error.code === 'E_UNPUBLISHABLE')!;
    expect(giveUp.message).toContain(big.id);
    // Every innocent change set went out once, in the first batch's publishes; the big one never did.
    expect(published.sort()).toEqual([...small].sort());
    await consumer.waitForCount(small.length, 5_000);
    const delivered = consumer.messages.map((body) => (JSON.parse(body) as Envelope).id);
    expect(new Set(delivered)).toEqual(new Set(small));
    // The refused one came back alone, attempt after attempt, and was then given up: nothing is held.
    expect(requeued.map((event) => event.ids)).toEqual([[big.id], [big.id]]);
    expect(requeued.map((event) => event.attempt)).toEqual([1, 2]);
    expect(await scheduler.stats()).toMatchObject({ due: 0, processing: 0, scheduled: 0 });
    // It is in effect all the same: the snapshot has it, for subscribers to reconcile.
    expect((await scheduler.current()).values.big).toHaveLength(MAX_MSG_SIZE * 2);
    await consumer.close();
    await scheduler.stop();
  });

  it('publishes a change set larger than the 5 MiB default body when maxMessageBytes allows it', async () => {
    const prefix = uniquePrefix('large-body');
    const topic = `${prefix}.changes`;
    const largeNsqd = await startNsqd({
      private: true,
      args: ['--max-msg-size=8388608', '--max-body-size=8388608'],
    });
    try {
      const consumer = await collectMessages(largeNsqd.tcpAddress, topic);
      const scheduler = testScheduler(services, prefix, {
        nsqd: largeNsqd.tcpAddress,
        maxMessageBytes: 7 * 1024 * 1024,
      });
      const errors: Error[] = [];
      scheduler.on('error', (error) => errors.push(error));
      const value = 'v'.repeat(6 * 1024 * 1024);
      const { id } = await scheduler.schedule({ key: 'large', value });
      await scheduler.start();
      await consumer.waitForCount(1, 20_000);
      const envelope = JSON.parse(consumer.messages[0]!) as Envelope;
      expect(envelope.id).toBe(id);
      expect(envelope.changes).toEqual([{ key: 'large', value }]);
      expect(errors).toEqual([]);
      await consumer.close();
      await scheduler.stop();
    } finally {
      await largeNsqd.dispose();
    }
  }, 60_000);

  it('publishes an envelope of exactly maxMessageBytes (1 MiB) through an nsqd with default limits', async () => {
    const prefix = uniquePrefix('one-mib');
    const topic = `${prefix}.changes`;
    const consumer = await collectMessages(services.nsqd.tcpAddress, topic);
    const scheduler = testScheduler(services, prefix);
    const limit = 1024 * 1024;
    // Find the largest value schedule() accepts: the envelope bound is then exactly the limit.
    const probeId = 'one-mib-probe';
    const overhead = await scheduler
      .schedule({ key: 'k', value: 'x'.repeat(limit) }, { id: probeId })
      .catch((error: Error) => Number(/makes a (\d+)-byte message/.exec(error.message)![1]) - limit);
    expect(typeof overhead).toBe('number');
    const value = 'x'.repeat(limit - (overhead as number));
    const { id } = await scheduler.schedule({ key: 'k', value }, { id: probeId });
    await expect(
      scheduler.schedule({ key: 'k', value: value + 'x' }, { id: `${probeId}-over` }),
    ).rejects.toMatchObject({ code: 'E_PAYLOAD_TOO_LARGE' });
    await scheduler.start();
    await consumer.waitForCount(1, 10_000);
    const envelope = JSON.parse(consumer.messages[0]!) as Envelope;
    expect(envelope.id).toBe(id);
    expect(envelope.changes).toEqual([{ key: 'k', value }]);
    await consumer.close();
    await scheduler.stop();
  });
});
