import nsq from 'nsqjs';
import type { Writer } from 'nsqjs';
import { HotconfError, invalidArgument } from '../errors.js';
import { type Logger, silentLogger } from '../logger.js';
import { assertTopicName } from './names.js';

export interface NsqPublisherOptions {
  /** nsqd TCP address `'host:port'`, or several: a refused or lost connection fails over to the next. */
  nsqd: string | readonly string[];
  /** How long a connection may take to become usable (TCP connect + IDENTIFY). Default 2000. */
  connectTimeoutMs?: number;
  /** How long nsqd may take to acknowledge a publish once connected. Default 5000. */
  publishTimeoutMs?: number;
  /** Largest MPUB body sent; keep it within nsqd's `--max-body-size`. Default 5 MiB, nsqd's default. */
  maxBodyBytes?: number;
  logger?: Logger;
}

interface NsqdAddress {
  host: string;
  port: number;
  /** The address as the caller wrote it, for messages and logs. */
  label: string;
}

interface Connection {
  writer: Writer;
  address: NsqdAddress;
}

// An MPUB body is a 4-byte message count, then for each message a 4-byte size and its bytes.
const MPUB_COUNT_BYTES = 4;
const MPUB_SIZE_PREFIX_BYTES = 4;
/** What one message adds to an MPUB body that holds only it: the smallest body it fits in is this plus its size. */
export const MPUB_MESSAGE_OVERHEAD_BYTES = MPUB_COUNT_BYTES + MPUB_SIZE_PREFIX_BYTES;

// nsqd's answers to a message or body over its --max-msg-size / --max-body-size (or empty): retrying the
// same bytes can only get the same answer.
const NSQD_REFUSALS = /^E_BAD_(MESSAGE|BODY)\b/;

/**
 * Publishes batches of messages to nsqd over one lazily opened connection.
 *
 * nsqjs's Writer never reconnects, so a Writer whose connection failed is dropped and the next publish
 * opens a new one, starting at the next address. There are no retries here: the caller owns retry and
 * backoff.
 *
 * @example
 * const publisher = new NsqPublisher({ nsqd: ['10.0.0.1:4150', '10.0.0.2:4150'] });
 * await publisher.publish('config-changes', [JSON.stringify(envelope)]);
 * await publisher.close();
 */
export class NsqPublisher {
  private readonly addresses: readonly NsqdAddress[];
  private readonly connectTimeoutMs: number;
  private readonly publishTimeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly logger: Logger;

  private nextAddressIndex = 0;
  private current: Connection | undefined;
  private connecting: Promise<Connection> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(options: NsqPublisherOptions) {
    const addresses = typeof options.nsqd === 'string' ? [options.nsqd] : options.nsqd;
    if (!Array.isArray(addresses) || addresses.length === 0) {
      throw invalidArgument("nsqd must be a 'host:port' address or a non-empty array of them");
    }
    this.addresses = addresses.map(parseNsqdAddress);
    this.connectTimeoutMs = positiveNumber('connectTimeoutMs', options.connectTimeoutMs ?? 2000);
    this.publishTimeoutMs = positiveNumber('publishTimeoutMs', options.publishTimeoutMs ?? 5000);
    this.maxBodyBytes = positiveNumber('maxBodyBytes', options.maxBodyBytes ?? 5 * 1024 * 1024);
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * Resolves once nsqd acknowledged every message: a single message goes as one PUB, more as MPUBs,
   * split so that no body exceeds `maxBodyBytes`. Makes one attempt and rejects with E_PUBLISH_FAILED
   * when it fails or times out, and with E_PUBLISH_REFUSED when nsqd refused the bytes themselves (a
   * message over its --max-msg-size, a body over its --max-body-size); some of the MPUBs may have been
   * delivered by then (NSQ is at-least-once). A message too large for any body: E_PAYLOAD_TOO_LARGE.
   */
  async publish(topic: string, messages: readonly string[]): Promise<void> {
    if (this.closed) throw new HotconfError('E_CLOSED', 'NSQ publisher is closed');
    assertTopicName(topic);
    if (!Array.isArray(messages)) throw invalidArgument('messages must be an array of strings');
    const bodies = splitIntoMpubBodies(messages, this.maxBodyBytes);
    if (bodies.length === 0) return;

    const attempt = this.publishBodies(topic, bodies);
    this.inFlight.add(attempt);
    try {
      await attempt;
    } finally {
      this.inFlight.delete(attempt);
    }
  }

  /** Lets publishes already in flight settle, then closes the connection. Later publishes reject with E_CLOSED. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(this.inFlight);
    const connection = this.current;
    this.current = undefined;
    connection?.writer.close();
  }

  private async publishBodies(topic: string, bodies: string[][]): Promise<void> {
    const { writer, address } = await this.connection();
    try {
      // All bodies go out at once; nsqd acknowledges them in order on this one connection.
      await Promise.all(bodies.map((body) => this.sendBody(writer, topic, body)));
    } catch (error) {
      this.discard(writer, error);
      throw new HotconfError(
        NSQD_REFUSALS.test(messageOf(error)) ? 'E_PUBLISH_REFUSED' : 'E_PUBLISH_FAILED',
        `publishing to topic ${topic} on nsqd ${address.label} failed: ${messageOf(error)}`,
        { cause: error },
      );
    }
  }

  private sendBody(writer: Writer, topic: string, body: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      // nsqjs fails pending callbacks when the connection closes, but an nsqd that hangs never answers.
      const timer = setTimeout(
        () => reject(new Error(`no acknowledgement within ${this.publishTimeoutMs} ms`)),
        this.publishTimeoutMs,
      );
      writer.publish(topic, body, (error) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      });
    });
  }

  private connection(): Promise<Connection> {
    if (this.current) return Promise.resolve(this.current);
    // Publishes that arrive while a connection is being opened wait for that same connection.
    this.connecting ??= this.connectToFirstAvailable().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** Tries each address once, starting at the next one in turn. */
  private async connectToFirstAvailable(): Promise<Connection> {
    const failures: string[] = [];
    for (let tried = 0; tried < this.addresses.length; tried++) {
      const address = this.addresses[this.nextAddressIndex] as NsqdAddress;
      try {
        this.current = { writer: await this.openWriter(address), address };
        this.logger.debug({ nsqd: address.label }, 'hotconf: connected to nsqd');
        return this.current;
      } catch (error) {
        this.logger.warn({ nsqd: address.label, err: error }, 'hotconf: could not connect to nsqd');
        failures.push(`${address.label}: ${messageOf(error)}`);
        this.rotateAddress();
      }
    }
    throw new HotconfError('E_PUBLISH_FAILED', `could not connect to nsqd (${failures.join('; ')})`);
  }

  /** Resolves with a Writer once nsqd has answered IDENTIFY, or rejects after connectTimeoutMs. */
  private openWriter(address: NsqdAddress): Promise<Writer> {
    const writer = new nsq.Writer(address.host, address.port);
    return new Promise((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(
        () => onFailure(new Error(`connection not ready within ${this.connectTimeoutMs} ms`)),
        this.connectTimeoutMs,
      );
      const onFailure = (error: Error): void => {
        if (ready) {
          this.discard(writer, error);
          return;
        }
        clearTimeout(timer);
        writer.close();
        reject(error);
      };
      writer.on('ready', () => {
        ready = true;
        clearTimeout(timer);
        resolve(writer);
      });
      // On a refused or lost connection nsqjs emits 'error', then 'closed', and for a socket error a second
      // 'error' after 'closed'. An 'error' with no listener would crash the host process, so this
      // listener stays for the Writer's whole lifetime.
      writer.on('error', onFailure);
      writer.on('closed', () => onFailure(new Error('connection closed')));
      writer.connect();
    });
  }

  /** Drops a failed Writer; the next publish connects again, starting at the next address. */
  private discard(writer: Writer, reason: unknown): void {
    if (this.current?.writer === writer) {
      this.logger.warn({ nsqd: this.current.address.label, err: reason }, 'hotconf: lost connection to nsqd');
      this.current = undefined;
      this.rotateAddress();
    }
    writer.close();
  }

  private rotateAddress(): void {
    this.nextAddressIndex = (this.nextAddressIndex + 1) % this.addresses.length;
  }
}

/**
 * Splits `messages` into consecutive groups that each fit in one MPUB body of at most `maxBodyBytes`.
 * Throws E_INVALID_ARGUMENT for an empty or non-string message (nsqd refuses those) and
 * E_PAYLOAD_TOO_LARGE for a message too big for any body.
 */
export function splitIntoMpubBodies(messages: readonly string[], maxBodyBytes: number): string[][] {
  const bodies: string[][] = [];
  let body: string[] = [];
  let bodyBytes = MPUB_COUNT_BYTES;
  messages.forEach((message, index) => {
    if (typeof message !== 'string' || message.length === 0) {
      throw invalidArgument(`message ${index} must be a non-empty string`);
    }
    const messageBytes = MPUB_SIZE_PREFIX_BYTES + Buffer.byteLength(message);
    if (MPUB_COUNT_BYTES + messageBytes > maxBodyBytes) {
      throw new HotconfError(
        'E_PAYLOAD_TOO_LARGE',
        `message ${index} is ${Buffer.byteLength(message)} bytes, too large for an MPUB body of ${maxBodyBytes} bytes`,
      );
    }
    if (bodyBytes + messageBytes > maxBodyBytes) {
      bodies.push(body);
      body = [];
      bodyBytes = MPUB_COUNT_BYTES;
    }
    body.push(message);
    bodyBytes += messageBytes;
  });
  if (body.length > 0) bodies.push(body);
  return bodies;
}

function parseNsqdAddress(address: unknown): NsqdAddress {
  const match = typeof address === 'string' ? /^([^\s:]+):(\d{1,5})$/.exec(address) : null;
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535) {
    throw invalidArgument(`nsqd address must be 'host:port', got ${JSON.stringify(address)}`);
  }
  return { host: match[1] as string, port, label: match[0] };
}

function positiveNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalidArgument(`${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
