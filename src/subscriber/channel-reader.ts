import nsq from 'nsqjs';
import type { Reader } from 'nsqjs';

export interface ChannelReaderOptions {
  topic: string;
  channel: string;
  /** The one nsqd this reader reads from, 'host:port'. */
  tcpAddress: string;
  /** How often a lost connection is retried, in ms (nsqjs counts whole seconds, at least 1). */
  reconnectMs: number;
  maxInFlight: number;
  /** Called with each message body; the message is finished afterwards, whatever happens. */
  onMessage(body: string): void;
  /** Called each time the channel is subscribed: at start, and after every reconnect. */
  onSubscribed(): void;
  onError(error: Error): void;
}

const CLOSE_TIMEOUT_MS = 1_000;

/**
 * Reads one channel on one nsqd with an nsqjs Reader, which this relies on for the following:
 * - After the connection is lost (nsqd restarted or crashed) the Reader connects again by itself, every
 *   `lookupdPollInterval` seconds, for as long as it is open; the SUB recreates the ephemeral channel.
 *   What was published while no channel existed is not delivered here: the subscriber's reconcile is what
 *   repairs that, and it runs at once on each new subscription (`onSubscribed`).
 * - The Reader emits 'ready' on every subscription only while it holds a single connection, which is why
 *   there is one Reader per nsqd.
 * - nsqd's output buffering is turned off (see the constructor): config changes are few and late is wrong.
 * - A refused or lost connection emits 'error', often twice with the same Error; an 'error' with no
 *   listener would crash the host process, so the listener is attached before connecting.
 */
export class ChannelReader {
  /** Resolves at the first subscription. */
  readonly subscribed: Promise<void>;
  private readonly reader: Reader;
  private connected = false;

  constructor(private readonly options: ChannelReaderOptions) {
    const { topic, channel, tcpAddress, reconnectMs, maxInFlight } = options;
    this.reader = new nsq.Reader(topic, channel, {
      nsqdTCPAddresses: [tcpAddress],
      lookupdPollInterval: reconnectMs / 1000,
      maxInFlight,
      // nsqd buffers what it sends a reader until 16 KiB or 250 ms have gathered: at 1,000 changes/s
      // that put p99 due→applied at ~130 ms. Unbuffered, each message leaves nsqd as it arrives.
      outputBufferSize: -1,
    });
    this.subscribed = new Promise((resolve) => this.reader.once('ready', resolve));
    this.reader.on('ready', () => options.onSubscribed());
    this.reader.on('message', (message) => {
      try {
        options.onMessage(message.body.toString());
      } catch (error) {
        this.reportError(error as Error);
      } finally {
        message.finish();
      }
    });
    let lastError: Error | undefined;
    this.reader.on('error', (error) => {
      if (error === lastError) return;
      lastError = error;
      this.reportError(error);
    });
    this.reader.on('nsqd_connected', () => (this.connected = true));
    this.reader.on('nsqd_closed', () => (this.connected = false));
    this.reader.connect();
  }

  /** Closes the connection; resolves when nsqd closed it, or after a second if nsqd does not answer. */
  async close(): Promise<void> {
    if (!this.connected) {
      this.reader.close();
      return;
    }
    const closed = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
      this.reader.once('nsqd_closed', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.reader.close();
    await closed;
  }

  private reportError(error: Error): void {
    this.options.onError(new Error(`nsqd ${this.options.tcpAddress}: ${error.message}`, { cause: error }));
  }
}
