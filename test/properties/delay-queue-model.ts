import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import type { DelayQueue, LeaseRef } from 'hotconf';
import { expect } from 'vitest';

/**
 * A small in-memory model of what one delay-queue prefix must hold, and the commands fast-check runs
 * against it and a real queue side by side. Time is modelled without a clock: an item is scheduled in
 * the past (due at once) or an hour ahead (never due within a run), and a lease either lasts a minute
 * (never runs out within a run) or 1 ms, taken by a claim that then waits for it to run out.
 */

export const MAX_ATTEMPTS = 2;
const HOUR_MS = 3_600_000;
const LONG_LEASE_MS = 60_000;

type State =
  | { kind: 'due' }
  | { kind: 'future' }
  | { kind: 'leased'; token: string; expired: boolean }
  | { kind: 'dead' }
  /** Acked or cancelled, id given by the caller: remembered (runAt only) so repeating it changes nothing. */
  | { kind: 'retained' };

interface ModelItem {
  /**
   * As stored at schedule/reschedule time (a requeue or reap moves the item, not this); null after
   * retryDead until the next check reads it (the server's now, at or after `notBefore`).
   */
  runAt: number | null;
  notBefore?: number;
  payload: string;
  /** Failed attempts: requeues and reaped leases. */
  attempts: number;
  state: State;
}

export interface QueueModel {
  items: Map<string, ModelItem>;
  /** Ids the caller gave (retained once finished); generated ones are forgotten. */
  given: Set<string>;
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

export const emptyModel = (): QueueModel => ({
  items: new Map(),
  given: new Set(),
  tokens: new Map(),
  known: [],
});

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
  // 'current' aims at a leased item, so that most calls hit one; the others at any id seen.
  const leased = [...model.items].filter(([, item]) => item.state.kind === 'leased').map(([id]) => id);
  const id = choice === 'current' && leased.length > 0 ? leased[index % leased.length]! : pick(model, index);
  const item = model.items.get(id);
  const issued = model.tokens.get(id) ?? [];
  const current = item?.state.kind === 'leased' ? item.state.token : undefined;
  if (choice === 'current' && current) return { id, token: current };
  const stale = issued.filter((token) => token !== current);
  if (choice === 'stale' && stale.length > 0) return { id, token: stale[index % stale.length]! };
  return { id, token: '1-999999999' };
}

/** The refs of one call; the same ref may come twice (it counts once). */
function leaseRefs(model: QueueModel, picks: readonly [number, TokenChoice][]): LeaseRef[] {
  return picks.map(([index, choice]) => leaseRef(model, index, choice));
}

/** The ids (each once) whose lease one of the refs' tokens holds now. */
function held(model: QueueModel, refs: readonly LeaseRef[]): string[] {
  const ids = refs.flatMap((ref) => {
    const item = model.items.get(ref.id);
    return item?.state.kind === 'leased' && item.state.token === ref.token ? [ref.id] : [];
  });
  return [...new Set(ids)];
}

/** Acked or cancelled: a given id is remembered by its run time alone, a generated one forgotten. */
function finish(model: QueueModel, id: string): void {
  const item = model.items.get(id)!;
  if (model.given.has(id)) {
    model.items.set(id, { runAt: item.runAt, payload: '', attempts: 0, state: { kind: 'retained' } });
  } else model.items.delete(id);
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
  const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const peeked = (await real.queue.peek({ limit: 1000 })).sort(byId);
  for (const { id, runAt } of peeked) {
    const item = model.items.get(id);
    if (item?.runAt === null) {
      expect(runAt).toBeGreaterThanOrEqual(item.notBefore!);
      item.runAt = runAt;
    }
  }
  const expected = [...model.items]
    .filter(([, item]) => isPending(item))
    .map(([id, { runAt, payload, attempts }]) => ({ id, runAt, payload, attempts }))
    .sort(byId);
  expect(peeked).toEqual(expected);
  const dead = (await real.queue.dead({ limit: 1000 })).sort(byId);
  expect(dead.map(({ id, payload, attempts }) => ({ id, payload, attempts }))).toEqual(
    [...model.items]
      .filter(([, item]) => item.state.kind === 'dead')
      .map(([id, { payload, attempts }]) => ({ id, payload, attempts }))
      .sort(byId),
  );
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
    const existing = this.id === undefined ? undefined : model.items.get(this.id);
    const scheduling = real.queue.schedule({ id: this.id, payload: this.payload, ...timeOf(this.at) });
    if (existing?.state.kind === 'dead') {
      await expect(scheduling).rejects.toMatchObject({ code: 'E_DEAD' });
      return checkInvariants(model, real);
    }
    const result = await scheduling;
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
      if (this.id !== undefined) model.given.add(this.id);
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
    const { items, dead } = await (this.shortLease ? real.shortLease : real.queue).claim({ max: this.max });
    expect(dead).toEqual([]); // nothing here is unusable
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
    for (const id of matching) {
      const item = model.items.get(id)!;
      if (this.action === 'ack') finish(model, id);
      else if (this.action === 'extend') {
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
    if (pending) finish(model, id);
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
      expect(result!.runAt).toBeGreaterThanOrEqual(Date.now() - 1_000); // "the past" is now
      item.runAt = result!.runAt;
      item.state = { kind: this.at === 'past' ? 'due' : 'future' };
    }
    await checkInvariants(model, real);
  }
  toString = (): string => `reschedule(#${this.index}, ${this.at})`;
}

class RetryDead implements Cmd {
  constructor(readonly indexes: readonly number[]) {}
  check = (): boolean => true;
  async run(model: QueueModel, real: RealQueues): Promise<void> {
    const ids = [...new Set(this.indexes.map((index) => pick(model, index)))];
    const dead = ids.filter((id) => model.items.get(id)?.state.kind === 'dead');
    const notBefore = Date.now() - 1_000; // same machine as redis-server; a margin for rounding
    expect(await real.queue.retryDead(ids)).toBe(dead.length);
    for (const id of dead) {
      const item = model.items.get(id)!;
      Object.assign(item, { runAt: null, notBefore, attempts: 0, state: { kind: 'due' } });
    }
    await checkInvariants(model, real);
  }
  toString = (): string => `retryDead(${JSON.stringify(this.indexes)})`;
}

class PurgeDead implements Cmd {
  check = (): boolean => true;
  async run(model: QueueModel, real: RealQueues): Promise<void> {
    const dead = [...model.items].filter(([, item]) => item.state.kind === 'dead').map(([id]) => id);
    expect(await real.queue.purgeDead()).toBe(dead.length);
    for (const id of dead) model.items.delete(id); // retained or not, the id is free again
    await checkInvariants(model, real);
  }
  toString = (): string => 'purgeDead()';
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
  fc.array(index, { minLength: 1, maxLength: 3 }).map((indexes) => new RetryDead(indexes)),
  fc.constant(new PurgeDead()),
];
