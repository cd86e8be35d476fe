import { ChannelSubscription } from '../redis/channel-subscription.js';
import type { RedisClient } from '../redis/connection.js';

/**
 * Sleeps until a deadline, or until `{p}:wake` says an earlier change was scheduled, or until stopped.
 * A wake that arrives while the loop is busy is remembered, so it is never lost between a claim and
 * the sleep that follows it.
 */
export class WakeListener {
  private readonly subscription: ChannelSubscription;
  private woken = false;
  private wakeSleeper: (() => void) | undefined;

  constructor(redis: RedisClient, channel: string) {
    this.subscription = new ChannelSubscription(redis, channel, () => this.wake(), 'wake listener');
  }

  start(): Promise<void> {
    return this.subscription.start();
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
    this.subscription.close();
    this.wake();
  }
}
