import type { RedisClient } from './connection.js';

/**
 * A pub/sub subscription to one channel, on a duplicate of the app's connection (a subscribed
 * connection can do nothing else). The duplicate reconnects and resubscribes by itself; its errors are
 * the main connection's to report.
 */
export class ChannelSubscription {
  private subscriber: RedisClient | undefined;
  private abortStart: (() => void) | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly channel: string,
    private readonly onMessage: (message: string) => void,
    /** Names the subscriber in the error a start() ended by close() rejects with. */
    private readonly what: string,
  ) {}

  async start(): Promise<void> {
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('message', (_channel: string, message: string) => this.onMessage(message));
    this.subscriber.on('error', () => {});
    const subscribed = this.subscriber.subscribe(this.channel);
    // While Redis is unreachable the SUBSCRIBE waits in ioredis' offline queue, which disconnect() does
    // not always settle: close() ends the wait instead.
    const closed = new Promise<never>((_, reject) => {
      this.abortStart = () => reject(new Error(`the ${this.what} was stopped while subscribing`));
    });
    subscribed.catch(() => {});
    try {
      await Promise.race([subscribed, closed]);
    } finally {
      this.abortStart = undefined;
    }
  }

  close(): void {
    this.abortStart?.();
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }
}
