import type { PendingItem } from './types.js';

/** Items are stored as "<runAt>|<payload>" in one hash field: one HMGET gives a claim both. */
export function parseStoredItem(stored: string): { runAt: number; payload: string } {
  const separator = stored.indexOf('|');
  return { runAt: Number(stored.slice(0, separator)), payload: stored.slice(separator + 1) };
}

/**
 * Reads a Lua reply of flat triples (id, stored item, failed attempts) from index `from` on.
 * A plain loop: this runs for every claimed item, on the hot path.
 */
export function parseItemTriples(reply: readonly unknown[], from: number): PendingItem[] {
  const items: PendingItem[] = [];
  for (let i = from; i + 2 < reply.length; i += 3) {
    const stored = reply[i + 1] as string;
    if (stored === '') continue; // the payload vanished (e.g. flushed by hand): nothing to deliver
    const separator = stored.indexOf('|');
    items.push({
      id: reply[i] as string,
      runAt: Number(stored.slice(0, separator)),
      payload: stored.slice(separator + 1),
      attempts: Number(reply[i + 2]),
    });
  }
  return items;
}
