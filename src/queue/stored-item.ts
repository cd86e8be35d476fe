import type { ClaimedDeadItem, ClaimResult, DeadItem, PendingItem } from './types.js';

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
    if (stored === '') continue; // a pending item whose payload vanished: its claim sends it to dead
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

/** Reads the claim scripts' reply (lua/includes/claim-due.lua claimReply). */
export function parseClaimReply(reply: readonly unknown[]): ClaimResult {
  const token = String(reply[2]);
  const itemsFrom = 4 + 2 * Number(reply[3]);
  const dead: ClaimedDeadItem[] = [];
  for (let i = 4; i < itemsFrom; i += 2)
    dead.push({ id: reply[i] as string, reason: reply[i + 1] as string });
  const items = parseItemTriples(reply, itemsFrom).map(({ id, runAt, payload, attempts }) => ({
    id,
    runAt,
    payload,
    attempt: attempts + 1,
    token,
  }));
  const nextRunAt = Number(reply[1]);
  return {
    items,
    nextRunAt: nextRunAt < 0 ? null : nextRunAt,
    now: Number(reply[0]),
    dead,
  };
}

/** Reads lua/dead.lua's reply: flat id, diedAt, stored item, attempts, reason. */
export function parseDeadItems(reply: readonly unknown[]): DeadItem[] {
  const items: DeadItem[] = [];
  for (let i = 0; i + 4 < reply.length; i += 5) {
    const stored = reply[i + 2] as string;
    items.push({
      id: reply[i] as string,
      diedAt: Number(reply[i + 1]),
      ...(stored === '' ? { runAt: 0, payload: '' } : parseStoredItem(stored)),
      attempts: Number(reply[i + 3]),
      reason: reply[i + 4] as string,
    });
  }
  return items;
}
