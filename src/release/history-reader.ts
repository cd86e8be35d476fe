import { invalidArgument } from '../errors.js';
import { assertId, assertPositiveInteger } from '../queue/validate.js';
import type { RedisClient } from '../redis/connection.js';
import { parseHistoryEntries, type HistoryEntry } from './history-entry.js';
import { isApplied, type AppliedEntry } from './revisions.js';
import { toEpochMs } from './validate.js';

export interface HistoryQuery {
  /** Only entries about this config key. */
  key?: string;
  /** Only entries of this change set. */
  id?: string;
  /** At most this many entries (default 100). */
  limit?: number;
  /** Only entries older than this: an entry's `cursor` (for the next page) or a time (Date or epoch ms). */
  before?: string | number | Date;
}

const PAGE = 500;
const MAX_LIMIT = 100_000;
const CURSOR = /^(\d+-\d+):(\d+)$/;

/** Validates a query before anything is read; throws E_INVALID_ARGUMENT. */
export function validateHistoryQuery(
  query: HistoryQuery,
): Required<Pick<HistoryQuery, 'limit'>> & HistoryQuery {
  if (typeof query !== 'object' || query === null) throw invalidArgument('history query must be an object');
  if (query.key !== undefined && (typeof query.key !== 'string' || query.key === '')) {
    throw invalidArgument('key must be a non-empty string');
  }
  if (query.id !== undefined) assertId(query.id);
  const limit = assertPositiveInteger(query.limit ?? 100, 'limit', MAX_LIMIT);
  if (typeof query.before === 'string' && !CURSOR.test(query.before)) {
    throw invalidArgument(`before must be an entry's cursor like "1042-0:3", or a time`);
  }
  if (query.before !== undefined && typeof query.before !== 'string') toEpochMs(query.before, 'before');
  return { ...query, limit };
}

/** Entries newest first, read page by page from the stream until `limit` match or it ends. */
export async function readHistory(
  redis: RedisClient,
  stream: string,
  query: HistoryQuery & { limit: number },
): Promise<HistoryEntry[]> {
  const matches = (entry: HistoryEntry) =>
    (query.id === undefined || entry.id === query.id) &&
    (query.key === undefined || touchesKey(entry, query.key));
  const found: HistoryEntry[] = [];
  for await (const entry of newestFirst(redis, stream, query.before)) {
    if (matches(entry)) found.push(entry);
    if (found.length >= query.limit) break;
  }
  return found;
}

/** Every `applied` entry with a revision after `revision`, newest first. */
export async function readAppliedAfter(
  redis: RedisClient,
  stream: string,
  revision: number,
): Promise<AppliedEntry[]> {
  const applied: AppliedEntry[] = [];
  for await (const entry of newestFirst(redis, stream)) {
    if (!isApplied(entry)) continue;
    // Revisions grow with the stream: one at or before `revision` means all older ones are too.
    if (entry.revision <= revision) break;
    applied.push(entry);
  }
  return applied;
}

/** History records newest first, from those before `before` on (all when undefined). */
async function* newestFirst(
  redis: RedisClient,
  stream: string,
  before?: HistoryQuery['before'],
): AsyncGenerator<HistoryEntry> {
  // A cursor names a record in an entry: that entry is read again, for its records before that one.
  const cursor = typeof before === 'string' ? CURSOR.exec(before) : null;
  // Entry ids count records, not time: a time is matched against each record's.
  const beforeTime =
    before === undefined || typeof before === 'string' ? Infinity : toEpochMs(before, 'before');
  let next = cursor ? cursor[1]! : '+';
  for (;;) {
    const page = await redis.xrevrange(stream, next, '-', 'COUNT', PAGE);
    for (const [entryId, fields] of page) {
      const records = parseHistoryEntries(entryId, fields);
      const end = cursor && entryId === cursor[1] ? Number(cursor[2]) : records.length;
      for (let index = end - 1; index >= 0; index--) {
        if (records[index]!.at < beforeTime) yield records[index]!;
      }
    }
    if (page.length < PAGE) return;
    next = `(${page[page.length - 1]![0]}`;
  }
}

function touchesKey(entry: HistoryEntry, key: string): boolean {
  const lists = [entry.changes, entry.previous];
  return lists.some((list) => list?.some((change) => change.key === key)) || !!entry.keys?.includes(key);
}
