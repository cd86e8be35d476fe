import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import type { DelayQueue, LeaseRef, PendingItem } from 'hotconf';
import { expect } from 'vitest';

/**
 * A small in-memory model of what one delay-queue prefix must hold, and the commands fast-check runs
 * against it and a real queue side by side. Time is modelled without a clock: an item is scheduled in
 * the past (due at once) or an hour ahead (never due within a run), and a lease either lasts a minute
 * (never runs out within a run) or 1 ms, taken by a claim that then waits for it to run out.
 */

export const MAX_ATTEMPTS = 3;
const HOUR_MS = 3_600_000;
const LONG_LEASE_MS = 60_000;

type State =
  | { kind: 'due' }
  | { kind: 'future' }
  | { kind: 'leased'; token: string; expired: boolean }
  | { kind: 'dead' };

interface ModelItem {
  /** As stored at schedule/reschedule time (a requeue or reap moves the item, not this). */
  runAt: number;
  payload: string;
  /** Failed attempts: requeues and reaped leases. */
  attempts: number;
  state: State;
}

export interface QueueModel {
  items: Map<string, ModelItem>;
  /** Every token any claim handed out, per id: old ones must be refused (fencing). */
  tokens: Map<string, string[]>;
  /** Ids seen so far, in order: commands pick their targets from here by index. */
  known: string[];
}

export interface RealQueues {
  /** leaseMs one minute. */
  queue: DelayQueue;
  /** Same prefix, leaseMs 1: its claims run out at once. */
  shortLease: DelayQueue;
}

export const emptyModel = (): QueueModel => ({ items: new Map(), tokens: new Map(), known: [] });

type Cmd = fc.AsyncCommand<QueueModel, RealQueues>;

const isPending = (item: ModelItem): boolean => item.state.kind === 'due' || item.state.kind === 'future';

function remember(model: QueueModel, id: string): void {
  if (!model.known.includes(id)) model.known.push(id);
}

/** The id at `index` (wrapping) among those seen, or a never-scheduled one when none was. */
function pick(model: QueueModel, index: number): string {
  return model.known.length === 0 ? 'never-scheduled' : model.known[index % model.known.length]!;
}

type TokenChoice = 'current' | 'stale' | 'bogus';

/** A lease reference for a picked id: its current token, one of its old ones, or one never issued. */
function leaseRef(model: QueueModel, index: number, choice: TokenChoice): LeaseRef {
  const id = pick(model, index);
  const item = model.items.get(id);
  const issued = model.tokens.get(id) ?? [];
  const current = item?.state.kind === 'leased' ? item.state.token : undefined;
  if (choice === 'current' && current) return { id, token: current };
  const stale = issued.filter((token) => token !== current);
  if (choice === 'stale' && stale.length > 0) return { id, token: stale[index % stale.length]! };
  return { id, token: '1-999999999' };
}

/** Distinct refs (one per id): a repeated ref in one call is its own question, not this model's. */
function leaseRefs(model: QueueModel, picks: readonly [number, TokenChoice][]): LeaseRef[] {
  const refs = new Map<string, LeaseRef>();
  for (const [index, choice] of picks) {
    const ref = leaseRef(model, index, choice);
    if (!refs.has(ref.id)) refs.set(ref.id, ref);
  }
  return [...refs.values()];
}

/** The refs whose token holds the item's lease now. */
function held(model: QueueModel, refs: readonly LeaseRef[]): ModelItem[] {
  return refs.flatMap((ref) => {
    const item = model.items.get(ref.id);
    return item?.state.kind === 'leased' && item.state.token === ref.token ? [item] : [];
  });
}

/** A failed attempt: back to due (or future), or to dead once MAX_ATTEMPTS failed. */
function giveBack(item: ModelItem, to: 'due' | 'future'): void {
  item.attempts += 1;
  item.state = item.attempts >= MAX_ATTEMPTS ? { kind: 'dead' } : { kind: to };
}

/** After every command: the counts and every pending item, as the queue reports them. */
export async function checkInvariants(model: QueueModel, real: RealQueues): Promise<void> {
  const count = (kind: State['kind']): number =>
    [...model.items.values()].filter((item) => item.state.kind === kind).length;
  expect(await real.queue.stats()).toMatchObject({
    due: count('due'),
    scheduled: count('future'),
    processing: count('leased'),
    dead: count('dead'),
  });
  const byId = (a: PendingItem, b: PendingItem): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const expected = [...model.items]
    .filter(([, item]) => isPending(item))
    .map(([id, { runAt, payload, attempts }]) => ({ id, runAt, payload, attempts }))
    .sort(byId);
  expect((await real.queue.peek({ limit: 1000 })).sort(byId)).toEqual(expected);
}

const when = fc.constantFrom('past', 'future');
const timeOf = (w: 'past' | 'future'): { at: number } =>
  // The past means "now" to the queue; the future is never reached within a run.
  ({ at: w === 'past' ? Date.now() - 60_000 : Date.now() + HOUR_MS });

class Schedule implements Cmd {
  constructor(
    readonly id: string | undefined,
    readonly at: 'past' | 'future',
    readonly payload: string,
  ) {}
  check = (): boolean => true;
  async run(model: QueueModel, real: RealQueues): Promise<void> {
    const result = await real.queue.schedule({ id: this.id, payload: this.payload, ...timeOf(this.at) });
    const existing = this.id === undefined ? undefined : model.items.get(this.id);
    if (existing) {
      // A repeated id returns the stored item and changes nothing.
      expect(result).toEqual({
        id: this.id,
        runAt: existing.runAt,
        payload: existing.payload,
        created: false,
      });
    } else {
      expect(result).toMatchObject({ created: true, payload: this.payload });
      model.items.set(result.id, {
        runAt: result.runAt,
        payload: this.payload,
        attempts: 0,
        state: { kind: this.at === 'past' ? 'due' : 'future' },
      });
      remember(model, result.id);
    }
    await checkInvariants(model, real);
  }
  toString = (): string => `schedule(${this.id ?? '<generated>'}, ${this.at}, ${this.payload})`;
}

class Claim implements Cmd {
  constructor(
    readonly max: number,
    readonly shortLease: boolean,
  ) {}
  check = (): boolean => true;
  async run(model: QueueModel, real: RealQueues): Promise<void> {
    const dueBefore = (await real.queue.peek({ limit: 1000 })).filter(
      ({ id }) => model.items.get(id)?.state.kind === 'due',
    );
    const { items } = await (this.shortLease ? real.shortLease : real.queue).claim({ max: this.max });
    if (this.shortLease) await sleep(5); // the 1 ms leases have now run out
    // The earliest due items, in the queue's own order, as many as asked for.
    expect(items.map((item) => item.id)).toEqual(dueBefore.slice(0, this.max).map((item) => item.id));
    const tokens = new Set(items.map((item) => item.token));
    expect(tokens.size).toBeLessThanOrEqual(1);
    for (const claimed of items) {
      const item = model.items.get(claimed.id)!;
      for (const old of model.tokens.get(claimed.id) ?? []) expect(claimed.token).not.toBe(old);
      expect(claimed).toMatchObject({ runAt: item.runAt, payload: item.payload, attempt: item.attempts + 1 });
      item.state = { kind: 'leased', token: claimed.token, expired: this.shortLease };
      model.tokens.set(claimed.id, [...(model.tokens.get(claimed.id) ?? []), claimed.token]);
    }
    await checkInvariants(model, real);
  }
  toString = (): string => `claim(${this.max}${this.shortLease ? ', 1 ms lease' : ''})`;
}

type LeaseAction = 'ack' | 'extend' | 'requeue' | 'requeueLater';

class OnLeases implements Cmd {
  constructor(
    readonly action: LeaseAction,
    readonly picks: readonly [number, TokenChoice][],
  ) {}
  check = (): boolean => true;
  async run(model: QueueModel, real: RealQueues): Promise<void> {
    const refs = leaseRefs(model, this.picks);
    const matching = held(model, refs);
    const result =
      this.action === 'ack'
        ? await real.queue.ack(refs)
        : this.action === 'extend'
          ? await real.queue.extend(refs, LONG_LEASE_MS)
          : await real.queue.requeue(refs, { delayMs: this.action === 'requeue' ? 0 : HOUR_MS });
    expect(result).toBe(matching.length);
    for (const item of matching) {
      if (this.action === 'ack') {
        const id = [...model.items].find(([, candidate]) => candidate === item)![0];
        model.items.delete(id); // done: the id may be scheduled afresh
      } else if (this.action === 'extend') {
        item.state = { ...(item.state as Extract<State, { kind: 'leased' }>), expired: false };
      } else giveBack(item, this.action === 'requeue' ? 'due' : 'future');
    }
    await checkInvariants(model, real);
  }
  toString = (): string => `${this.action}(${JSON.stringify(this.picks)})`;
}

class Reap implements Cmd {
  check = (): boolean => true;
  async run(model: QueueModel, real: RealQueues): Promise<void> {
    const expired = [...model.items.values()].filter(
      (item) => item.state.kind === 'leased' && item.state.expired,
    );
    expect(await real.queue.reap()).toBe(expired.length);
    for (const item of expired) giveBack(item, 'due');
    await checkInvariants(model, real);
  }
  toString = (): string => 'reap()';
}

class Cancel implements Cmd {
  constructor(readonly index: number) {}
  check = (): boolean => true;
  async run(model: QueueModel, real: RealQueues): Promise<void> {
    const id = pick(model, this.index);
    const item = model.items.get(id);
    const pending = item !== undefined && isPending(item);
    expect(await real.queue.cancel(id)).toBe(pending);
    if (pending) model.items.delete(id);
    await checkInvariants(model, real);
  }
  toString = (): string => `cancel(#${this.index})`;
}

class Reschedule implements Cmd {
  constructor(
    readonly index: number,
    readonly at: 'past' | 'future',
  ) {}
  check = (): boolean => true;
  async run(model: QueueModel, real: RealQueues): Promise<void> {
    const id = pick(model, this.index);
    const item = model.items.get(id);
    const result = await real.queue.reschedule(id, timeOf(this.at));
    if (item === undefined || !isPending(item)) {
      expect(result).toBeNull();
    } else {
      expect(result).toMatchObject({ id, payload: item.payload });
      item.runAt = result!.runAt;
      item.state = { kind: this.at === 'past' ? 'due' : 'future' };
    }
    await checkInvariants(model, real);
  }
  toString = (): string => `reschedule(#${this.index}, ${this.at})`;
}

const ids = fc.option(fc.constantFrom('a', 'b', 'c', 'd'), { nil: undefined, freq: 3 });
const index = fc.nat({ max: 20 });
const picks = fc.array(
  fc.tuple(index, fc.constantFrom<TokenChoice>('current', 'current', 'stale', 'bogus')),
  {
    minLength: 1,
    maxLength: 4,
  },
);

export const queueCommands = [
  fc.tuple(ids, when, fc.string({ maxLength: 6 })).map(([id, at, payload]) => new Schedule(id, at, payload)),
  fc.tuple(fc.integer({ min: 1, max: 4 }), fc.boolean()).map(([max, short]) => new Claim(max, short)),
  fc
    .tuple(fc.constantFrom<LeaseAction>('ack', 'extend', 'requeue', 'requeueLater'), picks)
    .map(([action, chosen]) => new OnLeases(action, chosen)),
  fc.constant(new Reap()),
  index.map((i) => new Cancel(i)),
  fc.tuple(index, when).map(([i, at]) => new Reschedule(i, at)),
];
