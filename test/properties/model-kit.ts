import fc from 'fast-check';
import type { DelayQueue, LeaseRef } from 'hotconf';

/**
 * What the delay-queue and scheduler models share: how time is modelled, how commands pick their
 * targets, and lease references with current, stale and never-issued tokens (fencing).
 *
 * Time is modelled without a clock: an item is scheduled in the past (due at once) or an hour ahead
 * (never due within a run), and a lease either lasts a minute (never runs out within a run) or 1 ms,
 * taken by a claim that then waits for it to run out.
 */

export const HOUR_MS = 3_600_000;
export const LONG_LEASE_MS = 60_000;
/** How long a claim with a 1 ms lease waits, so that its leases have run out by the server's clock. */
export const SHORT_LEASE_WAIT_MS = 5;

/** The part of a model the lease helpers read. */
export interface LeaseModel {
  items: Map<string, { state: { kind: string; token?: string; expired?: boolean } }>;
  /** Every token any claim handed out, per id: old ones must be refused (fencing). */
  tokens: Map<string, string[]>;
  /** Ids seen so far, in order: commands pick their targets from here by index. */
  known: string[];
}

export function remember(model: LeaseModel, id: string): void {
  if (!model.known.includes(id)) model.known.push(id);
}

/** The id at `index` (wrapping) among those seen, or a never-scheduled one when none was. */
export function pick(model: LeaseModel, index: number): string {
  return model.known.length === 0 ? 'never-scheduled' : model.known[index % model.known.length]!;
}

export function recordToken(model: LeaseModel, id: string, token: string): void {
  model.tokens.set(id, [...(model.tokens.get(id) ?? []), token]);
}

export type TokenChoice = 'current' | 'stale' | 'bogus';

/** A lease reference: a leased item's current token, an old token of any id, or one never issued. */
function leaseRef(model: LeaseModel, index: number, choice: TokenChoice): LeaseRef {
  // 'current' aims at a leased item, so that most calls hit one; the others at any id seen.
  const leased = [...model.items].filter(([, item]) => item.state.kind === 'leased').map(([id]) => id);
  const id = choice === 'current' && leased.length > 0 ? leased[index % leased.length]! : pick(model, index);
  const issued = model.tokens.get(id) ?? [];
  const current = model.items.get(id)?.state.token;
  if (choice === 'current' && current) return { id, token: current };
  const stale = issued.filter((token) => token !== current);
  if (choice === 'stale' && stale.length > 0) return { id, token: stale[index % stale.length]! };
  return { id, token: '1-999999999' };
}

/** The refs of one call; the same ref may come twice (it counts once). */
export function leaseRefs(model: LeaseModel, picks: readonly [number, TokenChoice][]): LeaseRef[] {
  return picks.map(([index, choice]) => leaseRef(model, index, choice));
}

/** The ids (each once) whose lease one of the refs' tokens holds now. */
export function held(model: LeaseModel, refs: readonly LeaseRef[]): string[] {
  const ids = refs.flatMap((ref) => {
    const state = model.items.get(ref.id)?.state;
    return state?.kind === 'leased' && state.token === ref.token ? [ref.id] : [];
  });
  return [...new Set(ids)];
}

/** The items whose lease ran out (taken with a 1 ms lease, not extended since): reap() takes them. */
export function expiredLeases<Item extends { state: { kind: string; expired?: boolean } }>(model: {
  items: Map<string, Item>;
}): Item[] {
  return [...model.items.values()].filter((item) => item.state.kind === 'leased' && item.state.expired);
}

export type LeaseAction = 'ack' | 'extend' | 'requeue' | 'requeueLater';

/** One lease call on the real queue (requeueLater: an hour ahead); resolves with the leases it matched. */
export function runLeaseAction(queue: DelayQueue, action: LeaseAction, refs: LeaseRef[]): Promise<number> {
  if (action === 'ack') return queue.ack(refs);
  if (action === 'extend') return queue.extend(refs, LONG_LEASE_MS);
  return queue.requeue(refs, { delayMs: action === 'requeue' ? 0 : HOUR_MS });
}

export type When = 'past' | 'future';

/** The past means "now" to the queue; the future is never reached within a run. */
export const timeOf = (when: When): { at: number } => ({
  at: when === 'past' ? Date.now() - 60_000 : Date.now() + HOUR_MS,
});

export const byId = (a: { id: string }, b: { id: string }): number =>
  a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

export const arbitraries = {
  when: fc.constantFrom<When>('past', 'future'),
  /** A caller-given id from a small set, so ids repeat; undefined for a generated one. */
  id: fc.option(fc.constantFrom('a', 'b', 'c', 'd'), { nil: undefined, freq: 3 }),
  index: fc.nat({ max: 20 }),
  leaseAction: fc.constantFrom<LeaseAction>('ack', 'extend', 'requeue', 'requeueLater'),
  picks: fc.array(
    fc.tuple(fc.nat({ max: 20 }), fc.constantFrom<TokenChoice>('current', 'current', 'stale', 'bogus')),
    {
      minLength: 1,
      maxLength: 4,
    },
  ),
};
