import { ChannelSubscription } from '../redis/channel-subscription.js';
import type { RedisClient } from '../redis/connection.js';
import { decodeChangeList } from './change-list.js';
import { readFields } from './fields.js';

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

/** The message lua/includes/release-apply.lua publishes for each change set it skips for a conflict. */
export const CONFLICT_FIELDS = ['id', 'seq', 'effectiveAt', 'keys', 'actor', 'reason'] as const;

/** The pub/sub channel of conflicts: the history key's name with ":conflicts" (release-apply.lua). */
export function conflictChannel(historyKey: string): string {
  return `${historyKey}:conflicts`;
}

/**
 * Reports every change set skipped for a conflict, whichever scheduler's claim skipped it, from the
 * claim's pub/sub message (at most once, as events are; history keeps the durable record). A tail of
 * the history stream would make every scheduler read every entry: pub/sub costs only on a conflict.
 */
export class ConflictWatcher {
  private readonly subscription: ChannelSubscription;

  constructor(redis: RedisClient, channel: string, onConflict: (event: ConflictEvent) => void) {
    this.subscription = new ChannelSubscription(
      redis,
      channel,
      (message) => onConflict(parse(message)),
      'conflict watcher',
    );
  }

  start(): Promise<void> {
    return this.subscription.start();
  }

  stop(): void {
    this.subscription.close();
  }
}

function parse(message: string): ConflictEvent {
  const {
    id = '',
    seq,
    effectiveAt,
    keys = '0;',
    actor,
    reason,
  } = readFields(Buffer.from(message), 0, CONFLICT_FIELDS);
  return {
    id,
    seq: Number(seq),
    effectiveAt: Number(effectiveAt),
    keys: decodeChangeList(keys).map((change) => change.key),
    ...(actor === undefined ? {} : { actor }),
    ...(reason === undefined ? {} : { reason }),
  };
}
