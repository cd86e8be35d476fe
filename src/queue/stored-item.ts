/** Items are stored as "<runAt>|<payload>" in one hash field: one HMGET gives a claim both. */
export function parseStoredItem(stored: string): { runAt: number; payload: string } {
  const separator = stored.indexOf('|');
  return { runAt: Number(stored.slice(0, separator)), payload: stored.slice(separator + 1) };
}

/** A Lua reply of flat triples (id, stored item, failed attempts) from `from` on. */
export function* storedItemTriples(
  reply: readonly unknown[],
  from: number,
): Generator<{ id: string; runAt: number; payload: string; attempts: number }> {
  for (let i = from; i + 2 < reply.length; i += 3) {
    const stored = String(reply[i + 1]);
    if (stored === '') continue; // the payload vanished (e.g. flushed by hand): nothing to deliver
    yield { id: String(reply[i]), ...parseStoredItem(stored), attempts: Number(reply[i + 2]) };
  }
}
