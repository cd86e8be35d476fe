import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import nsq from 'nsqjs';
import { nsqdHttp } from '../../local-services/nsqd-http.js';

const CLOSE_TIMEOUT_MS = 1_000;

export interface CollectedMessages {
  /** Bodies in arrival order. */
  readonly messages: string[];
  waitForCount(count: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Consumes a topic (by default on an ephemeral channel of its own) and keeps every body; each message
 * is finished. Resolves once nsqd has acknowledged the subscription, so the channel exists and gets a
 * copy of everything published afterwards; rejects if nsqd cannot be reached.
 */
export async function collectMessages(
  tcpAddress: string,
  topic: string,
  { channel = `test-${randomBytes(4).toString('hex')}#ephemeral` }: { channel?: string } = {},
): Promise<CollectedMessages> {
  const messages: string[] = [];
  const reader = new nsq.Reader(topic, channel, { nsqdTCPAddresses: [tcpAddress], maxInFlight: 2500 });
  reader.on('error', () => {}); // an unhandled nsqjs 'error' would crash the test process
  reader.on('message', (message) => {
    messages.push(message.body.toString());
    message.finish();
  });
  const subscribed = once(reader, 'ready'); // rejects on the first 'error'
  reader.connect();
  await subscribed.catch((error: unknown) => {
    reader.close();
    throw error;
  });

  return {
    messages,
    async waitForCount(count, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline)
          throw new Error(`received ${messages.length} of ${count} messages on ${topic}`);
        await sleep(10);
      }
    },
    async close() {
      const closed = new Promise((resolve) => reader.once('nsqd_closed', resolve));
      reader.close();
      // No 'nsqd_closed' comes when the connection was already gone (a test stopped nsqd).
      await Promise.race([closed, sleep(CLOSE_TIMEOUT_MS)]);
    },
  };
}

export async function createTopic(httpAddress: string, topic: string): Promise<void> {
  await nsqdHttp(httpAddress, 'POST', `/topic/create?topic=${encodeURIComponent(topic)}`);
}

/** Publishes one raw body, bypassing hotconf (for malformed, out-of-order or duplicate envelopes). */
export async function publishRaw(httpAddress: string, topic: string, body: string): Promise<void> {
  await nsqdHttp(httpAddress, 'POST', `/pub?topic=${encodeURIComponent(topic)}`, body);
}
