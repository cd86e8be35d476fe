import { randomBytes } from 'node:crypto';
import nsq from 'nsqjs';

export interface CollectedMessages {
  /** Bodies in arrival order. */
  readonly messages: string[];
  waitForCount(count: number, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Consumes a topic on its own ephemeral channel and keeps every body; each message is finished. */
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
  const connected = new Promise((resolve) => reader.once('nsqd_connected', resolve));
  reader.connect();
  await connected;
  return {
    messages,
    async waitForCount(count, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline)
          throw new Error(`received ${messages.length} of ${count} messages on ${topic}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      const closed = new Promise((resolve) => reader.once('nsqd_closed', resolve));
      reader.close();
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1_000))]);
    },
  };
}

async function nsqdHttp(httpAddress: string, path: string, body?: string): Promise<string> {
  const response = await fetch(`http://${httpAddress}${path}`, { method: 'POST', body: body ?? null });
  const text = await response.text();
  if (!response.ok) throw new Error(`nsqd ${path} answered ${response.status}: ${text}`);
  return text;
}

export async function createTopic(httpAddress: string, topic: string): Promise<void> {
  await nsqdHttp(httpAddress, `/topic/create?topic=${encodeURIComponent(topic)}`);
}

/** Publishes one raw body, bypassing hotconf (for malformed, out-of-order or duplicate envelopes). */
export async function publishRaw(httpAddress: string, topic: string, body: string): Promise<void> {
  await nsqdHttp(httpAddress, `/pub?topic=${encodeURIComponent(topic)}`, body);
}

export interface TopicStats {
  messageCount: number;
  channels: { name: string; depth: number; inFlight: number }[];
}

export async function topicStats(httpAddress: string, topic: string): Promise<TopicStats | undefined> {
  const response = await fetch(`http://${httpAddress}/stats?format=json&topic=${encodeURIComponent(topic)}`);
  const stats = (await response.json()) as {
    topics: {
      topic_name: string;
      message_count: number;
      channels: { channel_name: string; depth: number; in_flight_count: number }[];
    }[];
  };
  const found = stats.topics.find((entry) => entry.topic_name === topic);
  if (!found) return undefined;
  return {
    messageCount: found.message_count,
    channels: found.channels.map((c) => ({
      name: c.channel_name,
      depth: c.depth,
      inFlight: c.in_flight_count,
    })),
  };
}
