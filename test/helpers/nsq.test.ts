import { describe, expect, it } from 'vitest';
import { useServices } from './fixtures.js';
import { collectMessages, publishRaw } from './nsq.js';
import { uniquePrefix } from './redis.js';

// The helper the "exactly once" tests rest on must be able to fail.
describe('collectMessages().waitForExactly', () => {
  const services = useServices({ nsqd: true });

  it('resolves when exactly the count arrived and nothing more within the quiet period', async () => {
    const topic = uniquePrefix('exactly');
    const consumer = await collectMessages(services.nsqd.tcpAddress, topic);
    await publishRaw(services.nsqd.httpAddress, topic, 'one');
    await expect(consumer.waitForExactly(1, 5_000, 300)).resolves.toBeUndefined();
    await consumer.close();
  });

  it('throws on a duplicate that arrives after the count was reached, within the quiet period', async () => {
    const topic = uniquePrefix('late');
    const consumer = await collectMessages(services.nsqd.tcpAddress, topic);
    await publishRaw(services.nsqd.httpAddress, topic, 'one');
    const waiting = consumer.waitForExactly(1, 5_000, 1_000);
    await expect.poll(() => consumer.messages.length).toBe(1);
    await publishRaw(services.nsqd.httpAddress, topic, 'one again');
    await expect(waiting).rejects.toThrow('received 2 messages');
    await consumer.close();
  });
});
