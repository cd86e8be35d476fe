import type { Envelope } from '../config/envelope.js';

/**
 * Envelopes received before the first config is in memory, applied right after it. Bounded by the size
 * of their bodies: past `maxBytes` the oldest are dropped. That loses nothing: the scheduler applies a
 * change to the Redis snapshot before it publishes it, so a snapshot read that begins after a message
 * arrived holds that change (or a newer one). The subscriber therefore only uses a snapshot read that
 * began after the last drop (`drops` tells it), and a long Redis outage costs bounded memory.
 */
export class StartupBuffer {
  /** How many envelopes were dropped so far: compare before and after a snapshot read. */
  drops = 0;
  private readonly entries: { envelope: Envelope; bytes: number }[] = [];
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  push(envelope: Envelope, bytes: number): void {
    this.entries.push({ envelope, bytes });
    this.bytes += bytes;
    while (this.bytes > this.maxBytes) {
      this.bytes -= (this.entries.shift() as { bytes: number }).bytes;
      this.drops += 1;
    }
  }

  /** Hands out what is buffered, oldest first, and empties the buffer. */
  drain(): Envelope[] {
    this.bytes = 0;
    return this.entries.splice(0).map((entry) => entry.envelope);
  }
}
