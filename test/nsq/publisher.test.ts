import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NsqPublisher, splitIntoMpubBodies, type NsqPublisherOptions } from '../../src/nsq/publisher.js';
import { collectMessages } from '../helpers/nsq.js';
import { startNsqd, type Nsqd } from '../../local-services/services.js';

// An nsqjs 'error' event without a listener would be an uncaught exception; vitest fails the run on
// any, so every fault test below also proves that the process survives the fault.

const publishers: NsqPublisher[] = [];
let topicCounter = 0;

function newPublisher(options: NsqPublisherOptions): NsqPublisher {
  const publisher = new NsqPublisher(options);
  publishers.push(publisher);
  return publisher;
}

function uniqueTopic(): string {
  return `publisher_test_${process.pid}_${++topicCounter}`;
}

function numberedMessages(count: number, size = 0): string[] {
  return Array.from({ length: count }, (_, i) => `message-${i}-`.padEnd(size, 'x'));
}

async function expectDelivered(
  tcpAddress: string,
  topic: string,
  send: () => Promise<void>,
  expected: string[],
) {
  const collector = await collectMessages(tcpAddress, topic);
  try {
    await send();
    await collector.waitForExactly(expected.length, 10_000);
    expect([...collector.messages].sort()).toEqual([...expected].sort());
  } finally {
    await collector.close();
  }
}

/** A loopback address nothing listens on. */
async function deadAddress(): Promise<string> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return `127.0.0.1:${port}`;
}

/**
 * A TCP server that speaks just enough of the nsqd protocol to hang: it answers IDENTIFY with OK when
 * `answerIdentify` is set, and otherwise never replies, like an nsqd that is stopped (SIGSTOP) or stuck.
 */
async function startHungNsqd({ answerIdentify }: { answerIdentify: boolean }) {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('data', () => {
      if (!answerIdentify) return;
      const ok = Buffer.from('OK');
      const frame = Buffer.alloc(8);
      frame.writeInt32BE(4 + ok.length, 0); // frame size: type + data
      frame.writeInt32BE(0, 4); // frame type: response
      socket.write(Buffer.concat([frame, ok]));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

async function publishersOf(httpAddress: string, topic: string): Promise<number> {
  const response = await fetch(`http://${httpAddress}/stats?format=json&topic=${topic}`);
  const stats = (await response.json()) as { producers: { pub_counts: { topic: string }[] }[] };
  return stats.producers.filter((producer) => producer.pub_counts.some((c) => c.topic === topic)).length;
}

async function elapsedMs(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

afterEach(async () => {
  await Promise.all(publishers.splice(0).map((publisher) => publisher.close()));
});

describe('options', () => {
  it.each([
    ['no port', 'localhost'],
    ['an empty host', ':4150'],
    ['port 0', '127.0.0.1:0'],
    ['a port above 65535', '127.0.0.1:65536'],
    ['a port that is not a number', '127.0.0.1:nsq'],
    ['a URL', 'tcp://127.0.0.1:4150'],
    ['an empty list', []],
    ['one bad address among good ones', ['127.0.0.1:4150', 'nsqd']],
  ])('rejects %s as nsqd address with E_INVALID_ARGUMENT', (_case, nsqd) => {
    expect(() => new NsqPublisher({ nsqd })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
  });

  it.each(['connectTimeoutMs', 'publishTimeoutMs', 'maxBodyBytes'])(
    'rejects a %s that is not positive',
    (name) => {
      expect(() => new NsqPublisher({ nsqd: '127.0.0.1:4150', [name]: 0 })).toThrow(
        expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }),
      );
    },
  );
});

describe('splitIntoMpubBodies', () => {
  it('fills each body up to maxBodyBytes, counting the 4-byte count and the 4-byte size of each message', () => {
    // 4 + 3 × (4 + 10) = 46 bytes fit in a 46-byte body; a fourth message starts the next body.
    const messages = numberedMessages(7, 10);

    expect(splitIntoMpubBodies(messages, 46)).toEqual([
      messages.slice(0, 3),
      messages.slice(3, 6),
      messages.slice(6),
    ]);
  });

  it('counts UTF-8 bytes, not characters', () => {
    // 'é' is 2 bytes: 4 + (4 + 2) = 10, so two of them do not fit in 15 bytes.
    expect(splitIntoMpubBodies(['é', 'é'], 15)).toEqual([['é'], ['é']]);
  });

  it('refuses a message that no body can hold with E_PAYLOAD_TOO_LARGE', () => {
    expect(() => splitIntoMpubBodies(['ok', 'x'.repeat(100)], 64)).toThrow(
      expect.objectContaining({ code: 'E_PAYLOAD_TOO_LARGE' }),
    );
  });

  it('refuses an empty message, which nsqd would reject, with E_INVALID_ARGUMENT', () => {
    expect(() => splitIntoMpubBodies(['ok', ''], 1024)).toThrow(
      expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }),
    );
  });
});

describe('with a running nsqd', () => {
  let nsqd: Nsqd;

  beforeAll(async () => {
    nsqd = await startNsqd();
  });

  afterAll(async () => {
    await nsqd?.dispose();
  });

  it.each([1, 100, 10_000])('delivers %i messages, each exactly once', async (count) => {
    const publisher = newPublisher({ nsqd: nsqd.tcpAddress });
    const topic = uniqueTopic();
    const messages = numberedMessages(count);

    await expectDelivered(nsqd.tcpAddress, topic, () => publisher.publish(topic, messages), messages);
  });

  it("splits a batch bigger than nsqd's default --max-body-size (5 MiB) into MPUBs that nsqd accepts", async () => {
    const publisher = newPublisher({ nsqd: nsqd.tcpAddress });
    const topic = uniqueTopic();
    const messages = numberedMessages(6000, 1024);

    await expectDelivered(nsqd.tcpAddress, topic, () => publisher.publish(topic, messages), messages);
  });

  it('keeps every MPUB within a smaller maxBodyBytes, as an nsqd started with that limit requires', async () => {
    const maxBodyBytes = 64 * 1024;
    const strictNsqd = await startNsqd({ private: true, args: [`--max-body-size=${maxBodyBytes}`] });
    try {
      const publisher = newPublisher({ nsqd: strictNsqd.tcpAddress, maxBodyBytes });
      const topic = uniqueTopic();
      const messages = numberedMessages(1000, 1024); // 1 MiB: 16 MPUBs

      await expectDelivered(strictNsqd.tcpAddress, topic, () => publisher.publish(topic, messages), messages);
    } finally {
      await strictNsqd.dispose();
    }
  });

  it('rejects with E_PUBLISH_REFUSED what nsqd refuses for its size (PUB and MPUB), and publishes again after', async () => {
    const strictNsqd = await startNsqd({ private: true, args: ['--max-msg-size=1024'] });
    try {
      const publisher = newPublisher({ nsqd: strictNsqd.tcpAddress });
      const topic = uniqueTopic();
      const tooBig = 'x'.repeat(2_048);
      await expect(publisher.publish(topic, [tooBig])).rejects.toMatchObject({ code: 'E_PUBLISH_REFUSED' });
      await expect(publisher.publish(topic, ['small', tooBig])).rejects.toMatchObject({
        code: 'E_PUBLISH_REFUSED',
      });
      // nsqd closed the connection on the refusal: the next publish opens a new one.
      await expectDelivered(strictNsqd.tcpAddress, topic, () => publisher.publish(topic, ['small']), [
        'small',
      ]);
    } finally {
      await strictNsqd.dispose();
    }
  });

  it('shares one connection among publishes made while it is being opened', async () => {
    const publisher = newPublisher({ nsqd: nsqd.tcpAddress });
    const topic = uniqueTopic();
    const messages = numberedMessages(10);

    const sendConcurrently = async () => {
      await Promise.all(messages.map((message) => publisher.publish(topic, [message])));
    };
    await expectDelivered(nsqd.tcpAddress, topic, sendConcurrently, messages);
    expect(await publishersOf(nsqd.httpAddress, topic)).toBe(1);
  });

  it('rejects an invalid topic name with E_INVALID_ARGUMENT', async () => {
    const publisher = newPublisher({ nsqd: nsqd.tcpAddress });

    await expect(publisher.publish('bad topic', ['m'])).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
  });

  it('resolves an empty batch without connecting', async () => {
    const publisher = newPublisher({ nsqd: await deadAddress() });

    await expect(publisher.publish(uniqueTopic(), [])).resolves.toBeUndefined();
  });

  it('lets a publish in flight finish on close, and rejects later publishes with E_CLOSED', async () => {
    const publisher = newPublisher({ nsqd: nsqd.tcpAddress });
    const topic = uniqueTopic();
    const messages = numberedMessages(1000);

    await expectDelivered(
      nsqd.tcpAddress,
      topic,
      async () => {
        const inFlight = publisher.publish(topic, messages);
        await publisher.close();
        await inFlight;
      },
      messages,
    );
    await expect(publisher.publish(topic, ['late'])).rejects.toMatchObject({ code: 'E_CLOSED' });
  });
});

describe('when nsqd fails', () => {
  const publishTimeoutMs = 1000;
  const connectTimeoutMs = 500;

  it('rejects with E_PUBLISH_FAILED within the timeout when nsqd was killed, and publishes again once it is back', async () => {
    const nsqd = await startNsqd({ private: true });
    try {
      const publisher = newPublisher({ nsqd: nsqd.tcpAddress, publishTimeoutMs, connectTimeoutMs });
      const topic = uniqueTopic();
      await publisher.publish(topic, ['before the crash']);

      await nsqd.kill();
      const failedAfter = await elapsedMs(() =>
        expect(publisher.publish(topic, ['during the crash'])).rejects.toMatchObject({
          code: 'E_PUBLISH_FAILED',
        }),
      );
      expect(failedAfter).toBeLessThan(publishTimeoutMs);

      await nsqd.restart();
      await expectDelivered(nsqd.tcpAddress, topic, () => publisher.publish(topic, ['after the restart']), [
        'after the restart',
      ]);
    } finally {
      await nsqd.dispose();
    }
  });

  it('settles a publish that is in flight when nsqd dies, without waiting for the timeout', async () => {
    const nsqd = await startNsqd({ private: true });
    try {
      const publisher = newPublisher({ nsqd: nsqd.tcpAddress, publishTimeoutMs: 10_000 });
      const topic = uniqueTopic();
      await publisher.publish(topic, ['connect first']);

      const started = performance.now();
      const outcome = publisher.publish(topic, numberedMessages(20_000, 1000)).then(
        () => 'delivered',
        (error: unknown) => error,
      );
      await nsqd.kill();

      // Whether nsqd acknowledged before it died is a race; what matters is that the publish settles.
      const settled = await outcome;
      if (settled !== 'delivered') expect(settled).toMatchObject({ code: 'E_PUBLISH_FAILED' });
      expect(performance.now() - started).toBeLessThan(5000);
    } finally {
      await nsqd.dispose();
    }
  });

  for (const { answerIdentify, limit, when } of [
    {
      answerIdentify: true,
      limit: 'publishTimeoutMs',
      when: 'nsqd accepts the connection but never acknowledges',
    },
    { answerIdentify: false, limit: 'connectTimeoutMs', when: 'nsqd never answers IDENTIFY' },
  ] as const) {
    it(`rejects with E_PUBLISH_FAILED after ${limit} when ${when}`, async () => {
      const hung = await startHungNsqd({ answerIdentify });
      const limitMs = { publishTimeoutMs, connectTimeoutMs }[limit];
      try {
        const publisher = newPublisher({ nsqd: hung.address, publishTimeoutMs, connectTimeoutMs });

        const failedAfter = await elapsedMs(() =>
          expect(publisher.publish(uniqueTopic(), ['m'])).rejects.toMatchObject({ code: 'E_PUBLISH_FAILED' }),
        );
        expect(failedAfter).toBeGreaterThanOrEqual(limitMs - 50);
        expect(failedAfter).toBeLessThan(limitMs + 1000);
      } finally {
        await hung.close();
      }
    });
  }

  it('fails over to the second address when the first refuses connections', async () => {
    const nsqd = await startNsqd({ private: true });
    try {
      const publisher = newPublisher({ nsqd: [await deadAddress(), nsqd.tcpAddress], connectTimeoutMs });
      const topic = uniqueTopic();
      const messages = numberedMessages(100);

      await expectDelivered(nsqd.tcpAddress, topic, () => publisher.publish(topic, messages), messages);
    } finally {
      await nsqd.dispose();
    }
  });

  it('moves to the other address when the nsqd it was connected to dies', async () => {
    const [first, second] = await Promise.all([startNsqd({ private: true }), startNsqd({ private: true })]);
    try {
      const publisher = newPublisher({ nsqd: [first.tcpAddress, second.tcpAddress], connectTimeoutMs });
      const topic = uniqueTopic();
      await publisher.publish(topic, ['to the first']);

      await first.kill();
      // A publish racing nsqjs's notice of the lost connection meets the dead socket and fails; the
      // publisher then drops it, so the next one connects to the second address.
      const publishToSecond = () => publisher.publish(topic, ['to the second']);
      await expectDelivered(second.tcpAddress, topic, () => publishToSecond().catch(publishToSecond), [
        'to the second',
      ]);
    } finally {
      await Promise.all([first.dispose(), second.dispose()]);
    }
  });
});
