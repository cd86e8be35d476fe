import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import type { ConfigChange, DelayQueue, Scheduler } from 'hotconf';
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
  /** Due at the run's soonAt: all such change sets share one run time, so they tie and go by id. */
  | { kind: 'soon' }
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
  /**
   * A run time shared by the 'soon' change sets, a little ahead: ties in run time are what make a claim
   * take an older version after a newer one (ties go by id). Whether it has passed is learnt from the
   * server (a claim's now, a schedule clamped to now) or made sure of by an Advance.
   */
  soonAt: number;
  soonPassed: boolean;
}

export interface RealScheduler {
  /** Never started: its admin calls only (schedule, cancel, reschedule, pending, current, stats). */
  scheduler: Scheduler;
  /** The scheduler's own claim script, driven by hand: leaseMs one minute. */
  claimer: DelayQueue;
  /** The same with leaseMs 1: its claims run out at once. */
  shortClaimer: DelayQueue;
}

/** How far ahead a 'soon' run time is. */
const SOON_MS = 100;

export const emptySchedulerModel = (): SchedulerModel => ({
  items: new Map(),
  given: new Set(),
  tokens: new Map(),
  known: [],
  snapshot: new Map(),
  soonAt: Date.now() + SOON_MS,
  soonPassed: false,
});

/** The 'soon' change sets are due from now on. */
function soonPassed(model: SchedulerModel): void {
  model.soonPassed = true;
  for (const item of model.items.values()) if (item.state.kind === 'soon') item.state = { kind: 'due' };
}

type SchedulerWhen = When | 'soon';

function timeFor(model: SchedulerModel, when: SchedulerWhen): { at: number } {
  if (when !== 'soon') return timeOf(when);
  // Once one soonAt has passed the next 'soon' opens another, so that ties keep coming.
  if (model.soonPassed) Object.assign(model, { soonAt: Date.now() + SOON_MS, soonPassed: false });
  return { at: model.soonAt };
}

/** The state a change set scheduled or rescheduled for `when` is in, given the effectiveAt it got. */
function pendingState(model: SchedulerModel, when: SchedulerWhen, effectiveAt: number): State {
  if (when === 'future') return { kind: 'future' };
  if (when === 'past') return { kind: 'due' };
  if (effectiveAt > model.soonAt) soonPassed(model); // clamped to the server's now: soonAt is behind it
  return { kind: model.soonPassed ? 'due' : 'soon' };
}

type Cmd = fc.AsyncCommand<SchedulerModel, RealScheduler>;

const isPending = (item: ChangeSet): boolean =>
  item.state.kind === 'due' || item.state.kind === 'future' || item.state.kind === 'soon';
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
  const stats = await real.scheduler.stats();
  // The 'soon' ones are all due or all not, by the server's clock, which stats() does not show.
  const due = count((state) => state.kind === 'due');
  const soon = count((state) => state.kind === 'soon');
  expect([due, due + soon]).toContain(stats.due);
  expect(stats).toMatchObject({
    scheduled: count((state) => state.kind === 'future') + soon - (stats.due - due),
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
    readonly at: SchedulerWhen,
    readonly changes: ConfigChange[],
  ) {}
  check = (): boolean => true;
  async run(model: SchedulerModel, real: RealScheduler): Promise<void> {
    const existing = this.id === undefined ? undefined : model.items.get(this.id);
    const result = await real.scheduler.schedule(
      { changes: this.changes },
      { ...(this.id === undefined ? {} : { id: this.id }), ...timeFor(model, this.at) },
    );
    if (existing) {
      // Whatever became of it (pending, in flight, in effect, finished): the original version, no change.
      expect(result).toEqual({ id: this.id, ...existing.version });
    } else {
      const state = pendingState(model, this.at, result.effectiveAt);
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
    const pendingInOrder = await real.claimer.peek({ limit: 1000 });
    const ready = [...model.items]
      .filter(([, item]) => item.state.kind === 'republish' && item.state.ready)
      .map(([id]) => id);
    const { items, dead, now } = await (this.shortLease ? real.shortClaimer : real.claimer).claim({
      max: this.max,
    });
    if (this.shortLease) await sleep(SHORT_LEASE_WAIT_MS);
    expect(dead).toEqual([]);
    if (!model.soonPassed && now >= model.soonAt) soonPassed(model);
    const dueInOrder = pendingInOrder.filter(({ id }) => model.items.get(id)?.state.kind === 'due');
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

class OnLeases implements Cmd {
  constructor(
    readonly action: LeaseAction,
    readonly picks: readonly [number, TokenChoice][],
  ) {}
  check = (): boolean => true;
  async run(model: SchedulerModel, real: RealScheduler): Promise<void> {
    const refs = leaseRefs(model, this.picks);
    const matching = held(model, refs);
    expect(await runLeaseAction(real.claimer, this.action, refs)).toBe(matching.length);
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
    const expired = expiredLeases(model);
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
    readonly at: SchedulerWhen,
  ) {}
  check = (): boolean => true;
  async run(model: SchedulerModel, real: RealScheduler): Promise<void> {
    const id = pick(model, this.index);
    const item = model.items.get(id);
    const moving = real.scheduler.reschedule(id, timeFor(model, this.at));
    if (item === undefined || !isPending(item)) {
      // In effect (published or not), finished or unknown: not pending, so not moved.
      await expect(moving).rejects.toMatchObject({ code: 'E_NOT_PENDING' });
    } else {
      const result = await moving;
      expect(result).toMatchObject({ id, seq: item.version.seq });
      item.version = { effectiveAt: result.effectiveAt, seq: item.version.seq };
      item.state = pendingState(model, this.at, result.effectiveAt);
    }
    await checkInvariants(model, real);
  }
  toString = (): string => `reschedule(#${this.index}, ${this.at})`;
}

/** Waits until the 'soon' change sets are due (by this machine's clock, the server's too). */
class Advance implements Cmd {
  check = (model: Readonly<SchedulerModel>): boolean => !model.soonPassed;
  async run(model: SchedulerModel, real: RealScheduler): Promise<void> {
    await sleep(Math.max(0, model.soonAt - Date.now()) + SHORT_LEASE_WAIT_MS);
    soonPassed(model);
    await checkInvariants(model, real);
  }
  toString = (): string => 'advance()';
}

const KEYS = ['switch', 'limit', 'mode'];
/** Mostly sets, of values that seldom repeat (so that which version won shows), and some deletes. */
const change: fc.Arbitrary<ConfigChange> = fc.oneof(
  {
    arbitrary: fc.record({ key: fc.constantFrom(...KEYS), value: fc.integer({ min: 0, max: 999 }) }),
    weight: 3,
  },
  { arbitrary: fc.record({ key: fc.constantFrom(...KEYS), deleted: fc.constant(true as const) }), weight: 1 },
);
/** A change set touches each key at most once. */
const changeSet = fc.uniqueArray(change, { minLength: 1, maxLength: 3, selector: (c) => c.key });

const when = fc.constantFrom<SchedulerWhen>('past', 'future', 'soon', 'soon');

const schedule = fc
  .tuple(arbitraries.id, when, changeSet)
  .map(([id, at, changes]) => new Schedule(id, at, changes));

export const schedulerCommands = [
  schedule,
  schedule, // twice as likely as the others: several 'soon' change sets on one key make the ties
  fc.tuple(fc.integer({ min: 1, max: 4 }), fc.boolean()).map(([max, short]) => new Claim(max, short)),
  fc
    .tuple(arbitraries.leaseAction, arbitraries.picks)
    .map(([action, chosen]) => new OnLeases(action, chosen)),
  fc.constant(new Reap()),
  arbitraries.index.map((i) => new Cancel(i)),
  fc.tuple(arbitraries.index, when).map(([i, at]) => new Reschedule(i, at)),
  fc.constant(new Advance()),
];
