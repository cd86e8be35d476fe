import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import type { DelayQueue } from 'hotconf';
import { expect } from 'vitest';
import {
  arbitraries,
  byId,
  expiredLeases,
  held,
  leaseRefs,
  pick,
  runLeaseAction,
  type LeaseAction,
  recordToken,
  remember,
  SHORT_LEASE_WAIT_MS,
  timeOf,
  type TokenChoice,
  type When,
} from './model-kit.js';

/**
 * A small in-memory model of what one delay-queue prefix must hold, and the commands fast-check runs
 * against it and a real queue side by side (time and leases as in model-kit.ts).
 */

export const MAX_ATTEMPTS = 2;

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
  tokens: Map<string, string[]>;
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

class Schedule implements Cmd {
  constructor(
    readonly id: string | undefined,
    readonly at: When,
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
    if (this.shortLease) await sleep(SHORT_LEASE_WAIT_MS); // the 1 ms leases have now run out
    // The earliest due items, in the queue's own order, as many as asked for.
    expect(items.map((item) => item.id)).toEqual(dueBefore.slice(0, this.max).map((item) => item.id));
    const tokens = new Set(items.map((item) => item.token));
    expect(tokens.size).toBeLessThanOrEqual(1);
    for (const claimed of items) {
      const item = model.items.get(claimed.id)!;
      for (const old of model.tokens.get(claimed.id) ?? []) expect(claimed.token).not.toBe(old);
      expect(claimed).toMatchObject({ runAt: item.runAt, payload: item.payload, attempt: item.attempts + 1 });
      item.state = { kind: 'leased', token: claimed.token, expired: this.shortLease };
      recordToken(model, claimed.id, claimed.token);
    }
    await checkInvariants(model, real);
  }
  toString = (): string => `claim(${this.max}${this.shortLease ? ', 1 ms lease' : ''})`;
}

class OnLeases implements Cmd {
  constructor(
    readonly action: LeaseAction,
    readonly picks: readonly [number, TokenChoice][],
  ) {}
  check = (): boolean => true;
  async run(model: QueueModel, real: RealQueues): Promise<void> {
    const refs = leaseRefs(model, this.picks);
    const matching = held(model, refs);
    expect(await runLeaseAction(real.queue, this.action, refs)).toBe(matching.length);
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
    const expired = expiredLeases(model);
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
    readonly at: When,
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

export const queueCommands = [
  fc
    .tuple(arbitraries.id, arbitraries.when, fc.string({ maxLength: 6 }))
    .map(([id, at, payload]) => new Schedule(id, at, payload)),
  fc.tuple(fc.integer({ min: 1, max: 4 }), fc.boolean()).map(([max, short]) => new Claim(max, short)),
  fc
    .tuple(arbitraries.leaseAction, arbitraries.picks)
    .map(([action, chosen]) => new OnLeases(action, chosen)),
  fc.constant(new Reap()),
  arbitraries.index.map((i) => new Cancel(i)),
  fc.tuple(arbitraries.index, arbitraries.when).map(([i, at]) => new Reschedule(i, at)),
  fc.array(arbitraries.index, { minLength: 1, maxLength: 3 }).map((indexes) => new RetryDead(indexes)),
  fc.constant(new PurgeDead()),
];
