import type { RedisClient } from '../redis/connection.js';
import { parseHistoryEntry, type HistoryEntry } from './history-entry.js';

/** What the scheduler's `conflict` event carries: a change set skipped because its keys moved. */
export interface ConflictEvent {
  id: string;
  seq: number;
  effectiveAt: number;
  /** Its keys that changed after its baseRevision. */
  keys: string[];
  actor?: string;
  reason?: string;
}

const BLOCK_MS = 1_000;

/**
 * Follows the history stream from now on (XREAD BLOCK on a connection of its own) and reports every
 * change set skipped for a conflict, whichever scheduler's claim skipped it.
 */
export class ConflictWatcher {
  private connection: RedisClient | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly stream: string,
    private readonly onConflict: (event: ConflictEvent) => void,
    private readonly onError: (error: Error) => void,
  ) {}

  start(): void {
    this.connection = this.redis.duplicate();
    this.connection.on('error', () => {}); // reported by the failing XREAD below
    this.running = this.follow(this.connection);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.connection?.disconnect();
    await this.running;
  }

  private async follow(connection: RedisClient): Promise<void> {
    let last: string | undefined;
    while (!this.stopped) {
      try {
        // From the newest entry at start: '$' on each XREAD would miss what lands between two reads.
        last ??= (await connection.xrevrange(this.stream, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0';
        const reply = await connection.xread('BLOCK', BLOCK_MS, 'STREAMS', this.stream, last);
        for (const [cursor, fields] of reply?.[0]?.[1] ?? []) {
          last = cursor;
          report(parseHistoryEntry(cursor, fields), this.onConflict);
        }
      } catch (error) {
        if (this.stopped) return;
        this.onError(error as Error);
        await new Promise((resolve) => setTimeout(resolve, BLOCK_MS));
      }
    }
  }
}

function report(entry: HistoryEntry, onConflict: (event: ConflictEvent) => void): void {
  if (entry.event !== 'skipped' || entry.why !== 'conflict') return;
  const { id, seq, effectiveAt, keys = [], actor, reason } = entry;
  onConflict({
    id,
    seq,
    effectiveAt,
    keys,
    ...(actor === undefined ? {} : { actor }),
    ...(reason === undefined ? {} : { reason }),
  });
}
