import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScheduler, type SchedulerOptions } from 'hotconf';

// Every option is checked by createScheduler() itself: a bad one never reaches Redis or nsqd. Both are
// a listener that counts connections, so a test sees that nothing was even dialled.
let redisListener: Server;
let redisConnections = 0;
let redisUrl: string;

beforeAll(async () => {
  redisListener = createServer((socket) => {
    redisConnections += 1;
    socket.destroy();
  });
  redisListener.listen(0, '127.0.0.1');
  await once(redisListener, 'listening');
  redisUrl = `redis://127.0.0.1:${(redisListener.address() as { port: number }).port}`;
});

afterAll(async () => {
  redisListener.close();
  await once(redisListener, 'close');
});

const MAX_TIMER_MS = 2 ** 31 - 1; // Node turns a longer setTimeout into 1 ms

function base(): SchedulerOptions {
  return { redis: redisUrl, nsqd: '127.0.0.1:4150', topic: 'options.changes', prefix: 'options' };
}

describe('createScheduler() refuses options that would spin or misfire, before any connection', () => {
  const refused: [string, Partial<SchedulerOptions>][] = [
    ['maxInFlight: 0', { maxInFlight: 0 }],
    ['reapIntervalMs: 0', { reapIntervalMs: 0 }],
    ['backoffMs: 0', { backoffMs: 0 }],
    ['maxBackoffMs: 0', { maxBackoffMs: 0 }],
    ['maxBackoffMs below backoffMs', { backoffMs: 500, maxBackoffMs: 100 }],
    ['publishRetries: -1', { publishRetries: -1 }],
    ['publishRetries: 1.5', { publishRetries: 1.5 }],
    ['stopTimeoutMs: 0', { stopTimeoutMs: 0 }],
    ['maxRefusedAttempts: 0', { maxRefusedAttempts: 0 }],
    ['leaseMs over 2^31-1', { leaseMs: MAX_TIMER_MS + 1 }],
    ['reapIntervalMs over 2^31-1', { reapIntervalMs: MAX_TIMER_MS + 1 }],
    ['backoffMs over 2^31-1', { backoffMs: MAX_TIMER_MS + 1, maxBackoffMs: MAX_TIMER_MS + 1 }],
    ['maxBackoffMs over 2^31-1', { maxBackoffMs: MAX_TIMER_MS + 1 }],
    ['connectTimeoutMs over 2^31-1', { connectTimeoutMs: MAX_TIMER_MS + 1 }],
    ['publishTimeoutMs over 2^31-1', { publishTimeoutMs: MAX_TIMER_MS + 1 }],
    ['stopTimeoutMs over 2^31-1', { stopTimeoutMs: MAX_TIMER_MS + 1 }],
    ['nsqd without a port', { nsqd: 'localhost' }],
    ['nsqd port out of range', { nsqd: '127.0.0.1:70000' }],
    ['nsqd list with a bad address', { nsqd: ['127.0.0.1:4150', 'nsqd:'] }],
    ['nsqd empty list', { nsqd: [] }],
    ['nsqd not a string', { nsqd: 4150 as unknown as string }],
    ['maxBodyBytes smaller than a largest message', { maxMessageBytes: 1024, maxBodyBytes: 1024 }],
  ];

  it.each(refused)('%s: E_INVALID_ARGUMENT', async (_name, bad) => {
    const before = redisConnections;
    expect(() => createScheduler({ ...base(), ...bad })).toThrow(
      expect.objectContaining({ name: 'HotconfError', code: 'E_INVALID_ARGUMENT' }),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(redisConnections).toBe(before);
  });

  it('accepts each timer at 2^31-1 ms and a list of nsqd addresses', async () => {
    const scheduler = createScheduler({
      ...base(),
      nsqd: ['127.0.0.1:4150', 'nsqd-2.internal:4150'],
      leaseMs: MAX_TIMER_MS,
      reapIntervalMs: MAX_TIMER_MS,
      backoffMs: MAX_TIMER_MS,
      maxBackoffMs: MAX_TIMER_MS,
      connectTimeoutMs: MAX_TIMER_MS,
      publishTimeoutMs: MAX_TIMER_MS,
      stopTimeoutMs: MAX_TIMER_MS,
      maxInFlight: 1,
      publishRetries: 0,
      maxRefusedAttempts: 1,
    });
    await scheduler.stop();
  });
});
