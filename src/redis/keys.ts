import { invalidArgument } from '../errors.js';

/**
 * The Redis keys of one hotconf deployment. Every key carries the hash tag `{prefix}` so that each
 * script touches one Redis Cluster slot. The order of `all` is the KEYS order of every Lua script
 * (lua/includes/keys.lua).
 */
export interface HotconfKeys {
  readonly due: string;
  readonly processing: string;
  readonly items: string;
  readonly attempts: string;
  readonly dead: string;
  readonly claims: string;
  readonly config: string;
  readonly versions: string;
  readonly revision: string;
  /** Counter behind every change's `seq`. */
  readonly seq: string;
  /** ZSET id -> next publish attempt (ms): change sets already in effect whose publish must be retried. */
  readonly republish: string;
  /** ZSET id -> end of its retention (ms): finished or cancelled ids, so a repeated id changes nothing. */
  readonly retained: string;
  /** HASH id -> why the item was given up (dead ids only). */
  readonly deadReasons: string;
  /** HASH of deployment facts; `layout` is the layout version (src/redis/layout.ts). */
  readonly meta: string;
  /** STREAM: the life of every change set (scheduled, rescheduled, cancelled, applied, skipped). */
  readonly history: string;
  /** HASH recurring id -> definition with its next occurrences. */
  readonly recurring: string;
  /** Pub/sub channel: the new earliest run time, when a schedule moved it earlier. */
  readonly wakeChannel: string;
  /** Fleet (not script keys): ZSET of reporting instances `<service>/<instanceId>` -> last report (ms). */
  readonly fleet: string;
  /** ZSET change id -> effectiveAt of the change sets subscribers applied lately. */
  readonly fleetEffective: string;
  /** HASH of one instance's report, with a TTL; `member` is `<service>/<instanceId>`. */
  instance(member: string): string;
  /** ZSET change id -> appliedAt of one instance's receipts, bounded in time and count. */
  receipts(member: string): string;
  /** The script keys, in KEYS order. */
  readonly all: readonly string[];
}

const PREFIX_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

export function assertPrefix(prefix: unknown): asserts prefix is string {
  if (typeof prefix !== 'string' || !PREFIX_PATTERN.test(prefix)) {
    throw invalidArgument(
      `prefix must be 1-64 characters of A-Z a-z 0-9 _ . : - (got ${JSON.stringify(prefix)})`,
    );
  }
}

export function hotconfKeys(prefix: string): HotconfKeys {
  assertPrefix(prefix);
  const tag = `{${prefix}}`;
  // The order here is the KEYS order of every script (lua/includes/keys.lua): append, never reorder.
  const scriptKeys = {
    due: `${tag}:due`,
    processing: `${tag}:processing`,
    items: `${tag}:items`,
    attempts: `${tag}:attempts`,
    dead: `${tag}:dead`,
    claims: `${tag}:claims`,
    config: `${tag}:config`,
    versions: `${tag}:versions`,
    revision: `${tag}:rev`,
    seq: `${tag}:seq`,
    republish: `${tag}:republish`,
    retained: `${tag}:retained`,
    deadReasons: `${tag}:dead-reasons`,
    meta: `${tag}:meta`,
    history: `${tag}:history`,
    recurring: `${tag}:recurring`,
  };
  return {
    ...scriptKeys,
    wakeChannel: `${tag}:wake`,
    fleet: `${tag}:fleet`,
    fleetEffective: `${tag}:fleet-effective`,
    instance: (member) => `${tag}:instance:${member}`,
    receipts: (member) => `${tag}:receipts:${member}`,
    all: Object.values(scriptKeys),
  };
}
