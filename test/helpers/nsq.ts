import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import nsq from 'nsqjs';
import { nsqdHttp } from '../../local-services/nsqd-http.js';
import { recordUnexpectedError } from './unexpected-errors.js';

const CLOSE_TIMEOUT_MS = 1_000;
/** How long no message may arrive before a count is taken as final: past nsqd's requeue and redelivery of a late duplicate. */
export const QUIET_PERIOD_MS = 1_500;

export interface CollectedMessages {
  /** Bodies in arrival order. */
  readonly messages: string[];
  /** Resolves as soon as `count` messages arrived: enough for "at least", never for "exactly". */
  waitForCount(count: number, timeoutMs: number): Promise<void>;
  /**
   * Waits for `count` messages, then for a quiet period with none more, and throws unless exactly
   * `count` arrived: a duplicate that comes late fails it too.
   */
  waitForExactly(count: number, timeoutMs: number, quietMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Consumes a topic (by default on an ephemeral channel of its own) and keeps every body; each message
 * is finished. Resolves once nsqd has acknowledged the subscription, so the channel exists and gets a
 * copy of everything published afterwards; rejects if nsqd cannot be reached. Reader errors after
 * that fail the test, unless `errorsExpected` (a fault test that stops nsqd under it).
 */
export async function collectMessages(
  tcpAddress: string,
  topic: string,
  {
    channel = `test-${randomBytes(4).toString('hex')}#ephemeral`,
    errorsExpected = false,
  }: { channel?: string; errorsExpected?: boolean } = {},
): Promise<CollectedMessages> {
  const messages: string[] = [];
  const reader = new nsq.Reader(topic, channel, { nsqdTCPAddresses: [tcpAddress], maxInFlight: 2500 });
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
  // From here on (before, the rejection reports it): a listener is needed in any case, since an
  // unhandled nsqjs 'error' would crash the test process.
  reader.on('error', errorsExpected ? () => {} : recordUnexpectedError(`NSQ reader of ${topic}`));

  const waitForCount = async (count: number, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (messages.length < count) {
      if (Date.now() > deadline)
        throw new Error(`received ${messages.length} of ${count} messages on ${topic}`);
      await sleep(10);
    }
  };

  return {
    messages,
    waitForCount,
    async waitForExactly(count, timeoutMs, quietMs = QUIET_PERIOD_MS) {
      await waitForCount(count, timeoutMs);
      let seen = messages.length;
      let quietSince = Date.now();
      while (Date.now() - quietSince < quietMs) {
        await sleep(20);
        if (messages.length !== seen) [seen, quietSince] = [messages.length, Date.now()];
      }
      if (messages.length !== count)
        throw new Error(`received ${messages.length} messages on ${topic}, expected exactly ${count}`);
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
