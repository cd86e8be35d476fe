import type { RedisClient } from '../redis/connection.js';

/**
 * Sleeps until a deadline, or until `{p}:wake` says an earlier change was scheduled, or until stopped.
 * A wake that arrives while the loop is busy is remembered, so it is never lost between a claim and
 * the sleep that follows it.
 */
export class WakeListener {
  private subscriber: RedisClient | undefined;
  private woken = false;
  private wakeSleeper: (() => void) | undefined;
  private abortStart: (() => void) | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly channel: string,
  ) {}

  async start(): Promise<void> {
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('message', () => this.wake());
    // The duplicate reconnects and resubscribes by itself; its errors are the main connection's to report.
    this.subscriber.on('error', () => {});
    const subscribed = this.subscriber.subscribe(this.channel);
    // While Redis is unreachable the SUBSCRIBE waits in ioredis' offline queue, which disconnect() does
    // not always settle: stop() ends the wait instead.
    const stopped = new Promise<never>((_, reject) => {
      this.abortStart = () => reject(new Error('the wake listener was stopped while subscribing'));
    });
    subscribed.catch(() => {});
    try {
      await Promise.race([subscribed, stopped]);
    } finally {
      this.abortStart = undefined;
    }
  }

  /** Forget wakes seen so far: called right before a claim, which sees everything scheduled until then. */
  reset(): void {
    this.woken = false;
  }

  wake(): void {
    this.woken = true;
    this.wakeSleeper?.();
  }

  sleep(ms: number): Promise<void> {
    if (this.woken || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeSleeper = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeSleeper = done;
    });
  }

  async stop(): Promise<void> {
    this.abortStart?.();
    this.wake();
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }
}
