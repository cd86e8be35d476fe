import { ChannelReader } from './channel-reader.js';
import { deleteChannel, lookupProducers, type NsqdEndpoint } from './nsq-http.js';
import { withTimeout } from './with-timeout.js';

export interface NsqSubscriptionOptions {
  topic: string;
  channel: string;
  /** The nsqds to read from; or empty, and `lookupd` finds them. */
  nsqd: readonly NsqdEndpoint[];
  lookupd: readonly string[];
  /** How often lost connections are retried and nsqlookupd is polled. */
  reconnectMs: number;
  maxInFlight: number;
  onMessage(body: string): void;
  onSubscribed(): void;
  onError(error: Error): void;
}

/**
 * This instance's channel on every nsqd that holds the topic: the nsqds given, or those nsqlookupd
 * reports, polled every `reconnectMs` so that an nsqd which starts holding the topic is read too.
 * An nsqd once read is retried for good, also when nsqlookupd no longer lists it.
 */
export class NsqSubscription {
  private readonly readers = new Map<string, { endpoint: NsqdEndpoint; reader: ChannelReader }>();
  private firstLookup: Promise<void> | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: NsqSubscriptionOptions) {}

  start(): void {
    for (const endpoint of this.options.nsqd) this.read(endpoint);
    if (this.options.lookupd.length > 0) this.firstLookup = this.pollLookupd();
  }

  /** True once every nsqd known now has subscribed the channel; false when that took longer than `timeoutMs`. */
  async whenSubscribed(timeoutMs: number): Promise<boolean> {
    const allSubscribed = (async () => {
      await this.firstLookup;
      await Promise.all([...this.readers.values()].map(({ reader }) => reader.subscribed));
    })();
    return withTimeout(allSubscribed, timeoutMs, 'NSQ subscription').then(
      () => true,
      () => false,
    );
  }

  /** Closes every reader, then deletes the channel on each nsqd it was read on; returns the failed deletes. */
  async close(): Promise<Error[]> {
    this.closed = true;
    clearTimeout(this.pollTimer);
    const readers = [...this.readers.values()];
    await Promise.all(readers.map(({ reader }) => reader.close()));
    const { topic, channel } = this.options;
    const deletions = await Promise.allSettled(
      readers.map(({ endpoint }) => deleteChannel(endpoint.httpAddress, topic, channel)),
    );
    return deletions.flatMap((deletion) =>
      deletion.status === 'rejected' ? [deletion.reason as Error] : [],
    );
  }

  private read(endpoint: NsqdEndpoint): void {
    if (this.closed || this.readers.has(endpoint.tcpAddress)) return;
    const { topic, channel, reconnectMs, maxInFlight, onMessage, onSubscribed, onError } = this.options;
    const reader = new ChannelReader({
      topic,
      channel,
      tcpAddress: endpoint.tcpAddress,
      reconnectMs,
      maxInFlight,
      onMessage,
      onSubscribed,
      onError,
    });
    this.readers.set(endpoint.tcpAddress, { endpoint, reader });
  }

  private async pollLookupd(): Promise<void> {
    const answers = await Promise.allSettled(
      this.options.lookupd.map((lookupd) => lookupProducers(lookupd, this.options.topic)),
    );
    for (const answer of answers) {
      if (answer.status === 'fulfilled') answer.value.forEach((endpoint) => this.read(endpoint));
      else this.options.onError(answer.reason as Error);
    }
    if (!this.closed) {
      this.pollTimer = setTimeout(() => void this.pollLookupd(), this.options.reconnectMs);
    }
  }
}
