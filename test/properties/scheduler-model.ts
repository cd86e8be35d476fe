import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import type { ConfigChange, DelayQueue, Scheduler } from 'hotconf';
import { expect } from 'vitest';
import {
  arbitraries,
  byId,
  held,
  HOUR_MS,
  leaseRefs,
  LONG_LEASE_MS,
  pick,
  recordToken,
  remember,
  SHORT_LEASE_WAIT_MS,
  timeOf,
  type TokenChoice,
  type When,
} from './model-kit.js';

/**
 * The scheduler's prefix as a model: change sets pending (due or later), leased by the scheduler's claim,
 * awaiting republish, or finished; and the config snapshot, per key the value of the greatest version
 * applied. The claim applies what it takes from due to the snapshot (in effect from then on, never
 * pending again); a failed publish or an expired lease sends a change set to republish, with its version;
 * a repeated id returns the original version and changes nothing.
 */

interface Version {
  effectiveAt: number;
  seq: number;
}

type State =
  | { kind: 'due' }
  | { kind: 'future' }
  | { kind: 'leased'; token: string; expired: boolean }
  /** In effect; its publish is retried now (`ready`) or an hour from now. */
  | { kind: 'republish'; ready: boolean }
  /** Acked or cancelled, id given by the caller: its version is remembered for a repeat. */
  | { kind: 'retained' };

interface ChangeSet {
  version: Version;
  changes: ConfigChange[];
  /** Failed publishes: requeues and reaped leases. */
  attempts: number;
  state: State;
}

export interface SchedulerModel {
  items: Map<string, ChangeSet>;
  given: Set<string>;
  tokens: Map<string, string[]>;
  known: string[];
  /** Per key, the greatest version applied and its value (undefined: deleted). */
  snapshot: Map<string, { version: Version; value: unknown }>;
}

export interface RealScheduler {
  /** Never started: its admin calls only (schedule, cancel, reschedule, pending, current, stats). */
  scheduler: Scheduler;
  /** The scheduler's own claim script, driven by hand: leaseMs one minute. */
  claimer: DelayQueue;
  /** The same with leaseMs 1: its claims run out at once. */
  shortClaimer: DelayQueue;
}

export const emptySchedulerModel = (): SchedulerModel => ({
  items: new Map(),
  given: new Set(),
  tokens: new Map(),
  known: [],
  snapshot: new Map(),
});

type Cmd = fc.AsyncCommand<SchedulerModel, RealScheduler>;

const isPending = (item: ChangeSet): boolean => item.state.kind === 'due' || item.state.kind === 'future';
const newer = (a: Version, b: Version): boolean =>
  a.effectiveAt - b.effectiveAt > 0 || (a.effectiveAt === b.effectiveAt && a.seq > b.seq);

/** The claim applies a change set from due: per key, only over an older version. */
function apply(model: SchedulerModel, item: ChangeSet): void {
  for (const change of item.changes) {
    const current = model.snapshot.get(change.key);
    if (current && !newer(item.version, current.version)) continue;
    model.snapshot.set(change.key, {
      version: item.version,
      value: 'deleted' in change ? undefined : change.value,
    });
  }
}

/** Acked or cancelled: a given id keeps its version for a repeat, a generated one is forgotten. */
function finish(model: SchedulerModel, id: string): void {
  if (model.given.has(id)) model.items.get(id)!.state = { kind: 'retained' };
  else model.items.delete(id);
}

/** After every command: counts, pending change sets and the snapshot, as the scheduler reports them. */
async function checkInvariants(model: SchedulerModel, real: RealScheduler): Promise<void> {
  const count = (predicate: (state: State) => boolean): number =>
    [...model.items.values()].filter((item) => predicate(item.state)).length;
  expect(await real.scheduler.stats()).toMatchObject({
    due: count((state) => state.kind === 'due'),
    scheduled: count((state) => state.kind === 'future'),
    processing: count((state) => state.kind === 'leased'),
    awaitingPublish: count((state) => state.kind === 'republish'),
    dead: 0,
  });
  const pending = (await real.scheduler.pending({ limit: 1000 })).sort(byId);
  expect(pending).toEqual(
    [...model.items]
      .filter(([, item]) => isPending(item))
      .map(([id, item]) => ({ id, ...item.version, changes: item.changes }))
      .sort(byId),
  );
  const values = Object.fromEntries(
    [...model.snapshot]
      .filter(([, entry]) => entry.value !== undefined)
      .map(([key, entry]) => [key, entry.value]),
  );
  expect((await real.scheduler.current()).values).toEqual(values);
}

class Schedule implements Cmd {
  constructor(
    readonly id: string | undefined,
    readonly at: When,
    readonly changes: ConfigChange[],
  ) {}
  check = (): boolean => true;
  async run(model: SchedulerModel, real: RealScheduler): Promise<void> {
    const existing = this.id === undefined ? undefined : model.items.get(this.id);
    const result = await real.scheduler.schedule(
      { changes: this.changes },
      { ...(this.id === undefined ? {} : { id: this.id }), ...timeOf(this.at) },
    );
    if (existing) {
      // Whatever became of it (pending, in flight, in effect, finished): the original version, no change.
      expect(result).toEqual({ id: this.id, ...existing.version });
    } else {
      const state: State = { kind: this.at === 'past' ? 'due' : 'future' };
      const version = { effectiveAt: result.effectiveAt, seq: result.seq };
      for (const other of model.items.values()) expect(result.seq).toBeGreaterThan(other.version.seq);
      model.items.set(result.id, { version, changes: this.changes, attempts: 0, state });
      if (this.id !== undefined) model.given.add(this.id);
      remember(model, result.id);
    }
    await checkInvariants(model, real);
  }
  toString = (): string =>
    `schedule(${this.id ?? '<generated>'}, ${this.at}, ${JSON.stringify(this.changes)})`;
}

class Claim implements Cmd {
  constructor(
    readonly max: number,
    readonly shortLease: boolean,
  ) {}
  check = (): boolean => true;
  async run(model: SchedulerModel, real: RealScheduler): Promise<void> {
    const dueInOrder = (await real.claimer.peek({ limit: 1000 })).filter(
      ({ id }) => model.items.get(id)?.state.kind === 'due',
    );
    const ready = [...model.items]
      .filter(([, item]) => item.state.kind === 'republish' && item.state.ready)
      .map(([id]) => id);
    const { items, dead } = await (this.shortLease ? real.shortClaimer : real.claimer).claim({
      max: this.max,
    });
    if (this.shortLease) await sleep(SHORT_LEASE_WAIT_MS);
    expect(dead).toEqual([]);
    // Due change sets first, earliest first; then ones awaiting republish fill the batch.
    const fromDue = dueInOrder.slice(0, this.max).map((item) => item.id);
    expect(items.slice(0, fromDue.length).map((item) => item.id)).toEqual(fromDue);
    const fromRepublish = items.slice(fromDue.length).map((item) => item.id);
    expect(fromRepublish).toHaveLength(Math.min(this.max - fromDue.length, ready.length));
    for (const id of fromRepublish) expect(ready).toContain(id);
    for (const claimed of items) {
      const item = model.items.get(claimed.id)!;
      // Its version travels with it: run time and seq as scheduled, also when republished.
      expect(claimed.runAt).toBe(item.version.effectiveAt);
      expect(claimed.payload.startsWith(`${item.version.seq};`)).toBe(true);
      expect(claimed.attempt).toBe(item.attempts + 1);
      for (const old of model.tokens.get(claimed.id) ?? []) expect(claimed.token).not.toBe(old);
      if (fromDue.includes(claimed.id)) apply(model, item);
      item.state = { kind: 'leased', token: claimed.token, expired: this.shortLease };
      recordToken(model, claimed.id, claimed.token);
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
  async run(model: SchedulerModel, real: RealScheduler): Promise<void> {
    const refs = leaseRefs(model, this.picks);
    const matching = held(model, refs);
    const result =
      this.action === 'ack'
        ? await real.claimer.ack(refs)
        : this.action === 'extend'
          ? await real.claimer.extend(refs, LONG_LEASE_MS)
          : await real.claimer.requeue(refs, { delayMs: this.action === 'requeue' ? 0 : HOUR_MS });
    expect(result).toBe(matching.length);
    for (const id of matching) {
      const item = model.items.get(id)!;
      if (this.action === 'ack') finish(model, id);
      else if (this.action === 'extend')
        item.state = { ...(item.state as Extract<State, { kind: 'leased' }>), expired: false };
      else {
        // A failed publish: in effect already, so to republish, never back to pending.
        item.attempts += 1;
        item.state = { kind: 'republish', ready: this.action === 'requeue' };
      }
    }
    await checkInvariants(model, real);
  }
  toString = (): string => `${this.action}(${JSON.stringify(this.picks)})`;
}

class Reap implements Cmd {
  check = (): boolean => true;
  async run(model: SchedulerModel, real: RealScheduler): Promise<void> {
    const expired = [...model.items.values()].filter(
      (item) => item.state.kind === 'leased' && item.state.expired,
    );
    expect(await real.claimer.reap()).toBe(expired.length);
    for (const item of expired) {
      item.attempts += 1;
      item.state = { kind: 'republish', ready: true };
    }
    await checkInvariants(model, real);
  }
  toString = (): string => 'reap()';
}

class Cancel implements Cmd {
  constructor(readonly index: number) {}
  check = (): boolean => true;
  async run(model: SchedulerModel, real: RealScheduler): Promise<void> {
    const id = pick(model, this.index);
    const item = model.items.get(id);
    const pending = item !== undefined && isPending(item);
    expect(await real.scheduler.cancel(id)).toBe(pending);
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
  async run(model: SchedulerModel, real: RealScheduler): Promise<void> {
    const id = pick(model, this.index);
    const item = model.items.get(id);
    const moving = real.scheduler.reschedule(id, timeOf(this.at));
    if (item === undefined || !isPending(item)) {
      // In effect (published or not), finished or unknown: not pending, so not moved.
      await expect(moving).rejects.toMatchObject({ code: 'E_NOT_PENDING' });
    } else {
      const result = await moving;
      expect(result).toMatchObject({ id, seq: item.version.seq });
      item.version = { effectiveAt: result.effectiveAt, seq: item.version.seq };
      item.state = { kind: this.at === 'past' ? 'due' : 'future' };
    }
    await checkInvariants(model, real);
  }
  toString = (): string => `reschedule(#${this.index}, ${this.at})`;
}

const KEYS = ['switch', 'limit', 'mode'];
const change: fc.Arbitrary<ConfigChange> = fc.oneof(
  fc.record({ key: fc.constantFrom(...KEYS), value: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ key: fc.constantFrom(...KEYS), deleted: fc.constant(true as const) }),
);
/** A change set touches each key at most once. */
const changeSet = fc.uniqueArray(change, { minLength: 1, maxLength: 3, selector: (c) => c.key });

export const schedulerCommands = [
  fc
    .tuple(arbitraries.id, arbitraries.when, changeSet)
    .map(([id, at, changes]) => new Schedule(id, at, changes)),
  fc.tuple(fc.integer({ min: 1, max: 4 }), fc.boolean()).map(([max, short]) => new Claim(max, short)),
  fc
    .tuple(fc.constantFrom<LeaseAction>('ack', 'extend', 'requeue', 'requeueLater'), arbitraries.picks)
    .map(([action, chosen]) => new OnLeases(action, chosen)),
  fc.constant(new Reap()),
  arbitraries.index.map((i) => new Cancel(i)),
  fc.tuple(arbitraries.index, arbitraries.when).map(([i, at]) => new Reschedule(i, at)),
];
