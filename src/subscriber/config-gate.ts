import { HotconfError } from '../errors.js';
import { isNewerVersion, type Version } from '../config/version.js';
import type { ConfigState, FrozenConfig, KeyUpdate, ValueChange } from './config-state.js';

export type Validate = (nextConfig: FrozenConfig) => boolean | void;

/** A change set (or a snapshot's part of one) that validate refused for the first time. */
export interface Refusal {
  /** The keys it would have set or deleted: they keep their last accepted value. */
  readonly keys: string[];
  /** What validate threw, or an E_REJECTED HotconfError when it returned false. */
  readonly reason: Error;
}

export interface GateOutcome {
  /** Something was applied (its values may equal the old ones: then `changes` omits them). */
  readonly committed: boolean;
  /** Keys whose value changed, in the order they were applied. */
  readonly changes: ValueChange[];
  /** Something was held back, now or again. */
  readonly refused: boolean;
  /** Refusals not seen before; a refusal repeated (a redelivery, a reconcile retry) is not reported again. */
  readonly refusals: Refusal[];
}

const NOTHING_NEWER: GateOutcome = { committed: false, changes: [], refused: false, refusals: [] };

/**
 * The one way updates reach a ConfigState: each change set validated against the config it would produce
 * and applied whole or not at all. What validate refuses is held back: its keys keep their last accepted
 * value, while later changes to other keys go in as usual. A held-back key is released when a change at
 * least as new as the refused one is accepted for it.
 *
 * A snapshot holds many change sets at once. Its keys are grouped by version (the keys one change set
 * set share its `(effectiveAt, seq)`), and merged in one swap when validate accepts the whole; otherwise
 * group by group in version order, repeating the pass while a group accepted lets a refused one in (a
 * check across keys may need both), so the largest part validate accepts goes in and the rest is held back.
 *
 * Pure: no I/O, no events; the caller reports refusals and changes.
 */
export class ConfigGate {
  /**
   * Per held-back key, the versions validate refused for it that are newer than its value: each refused
   * change set is reported once, in whatever order they come. Those a newer accepted change passed are
   * forgotten, so this holds only what is held back now.
   */
  private readonly refused = new Map<string, Version[]>();
  private everValidated: boolean;
  private unvalidatedReported = false;

  constructor(
    private readonly state: ConfigState,
    private readonly validate: Validate | undefined,
  ) {
    this.everValidated = validate === undefined;
  }

  /** Keys whose newest known change validate refused, sorted. */
  get heldBack(): string[] {
    return [...this.refused.keys()].sort();
  }

  /** True once the config in memory has been accepted by validate (always, without validate). */
  get validated(): boolean {
    return this.everValidated;
  }

  /** One change set from NSQ: applied whole (its newer keys) or held back whole. */
  applyChangeSet(updates: readonly KeyUpdate[]): GateOutcome {
    const newer = this.state.newer(updates);
    if (newer.length === 0) return NOTHING_NEWER;
    const { changes, reason } = this.tryCommit(newer);
    if (changes) return { committed: true, changes, refused: false, refusals: [] };
    return { committed: false, changes: [], refused: true, refusals: this.holdBack(newer, reason as Error) };
  }

  /** A snapshot (or backup file): as much of it as validate accepts, by change set. */
  mergeSnapshot(updates: readonly KeyUpdate[]): GateOutcome {
    const newer = this.state.newer(updates);
    if (newer.length === 0) {
      const refusals = this.validateUnchanged();
      return { ...NOTHING_NEWER, refused: !this.everValidated, refusals };
    }
    const whole = this.tryCommit(newer);
    if (whole.changes) return { committed: true, changes: whole.changes, refused: false, refusals: [] };

    const changes: ValueChange[] = [];
    let committed = false;
    let waiting = groupByVersion(newer).map((group) => ({ group, reason: whole.reason as Error }));
    for (let progressed = true; progressed && waiting.length > 0;) {
      progressed = false;
      const stillWaiting: typeof waiting = [];
      for (const { group } of waiting) {
        const attempt = this.tryCommit(group);
        if (attempt.changes) {
          changes.push(...attempt.changes);
          committed = progressed = true;
        } else stillWaiting.push({ group, reason: attempt.reason as Error });
      }
      waiting = stillWaiting;
    }
    const refusals = waiting.flatMap(({ group, reason }) => this.holdBack(group, reason));
    return { committed, changes, refused: waiting.length > 0, refusals };
  }

  /** Commits when validate accepts the config the updates produce; else says why not. */
  private tryCommit(updates: readonly KeyUpdate[]): { changes?: ValueChange[]; reason?: Error } {
    let preview: FrozenConfig | undefined;
    if (this.validate) {
      preview = this.state.preview(updates);
      const reason = validationFailure(this.validate, preview);
      if (reason) return { reason };
    }
    this.everValidated = true;
    for (const { key, version } of updates) {
      const refused = this.refused
        .get(key)
        ?.filter((refusedVersion) => isNewerVersion(refusedVersion, version));
      if (refused === undefined) continue;
      if (refused.length > 0) this.refused.set(key, refused);
      else this.refused.delete(key);
    }
    return { changes: this.state.commit(updates, preview) };
  }

  /** Records refused updates; returns the refusal unless every one of them was refused before. */
  private holdBack(updates: readonly KeyUpdate[], reason: Error): Refusal[] {
    let seenBefore = true;
    for (const { key, version } of updates) {
      const refused = this.refused.get(key) ?? [];
      if (refused.some((refusedVersion) => isSameVersion(refusedVersion, version))) continue;
      this.refused.set(key, [...refused, version]);
      seenBefore = false;
    }
    return seenBefore ? [] : [{ keys: updates.map((update) => update.key), reason }];
  }

  // A config nobody validated yet (the empty one a new instance starts with, when the snapshot is empty
  // too) is checked once, so that ready() never hands out a config validate has not seen.
  private validateUnchanged(): Refusal[] {
    if (this.everValidated || !this.validate) return [];
    const reason = validationFailure(this.validate, this.state.getAll());
    if (!reason) {
      this.everValidated = true;
      return [];
    }
    if (this.unvalidatedReported) return [];
    this.unvalidatedReported = true;
    return [{ keys: [], reason }];
  }
}

function isSameVersion(a: Version, b: Version): boolean {
  return a.effectiveAt === b.effectiveAt && a.seq === b.seq;
}

function groupByVersion(updates: readonly KeyUpdate[]): KeyUpdate[][] {
  const groups = new Map<string, KeyUpdate[]>();
  for (const update of updates) {
    const id = `${update.version.effectiveAt}:${update.version.seq}`;
    const group = groups.get(id);
    if (group) group.push(update);
    else groups.set(id, [update]);
  }
  return [...groups.values()].sort((a, b) =>
    isNewerVersion((a[0] as KeyUpdate).version, (b[0] as KeyUpdate).version) ? 1 : -1,
  );
}

/** What validate said against a config: undefined when it accepted it. */
function validationFailure(validate: Validate, config: FrozenConfig): Error | undefined {
  try {
    return validate(config) === false ? new HotconfError('E_REJECTED', 'validate returned false') : undefined;
  } catch (error) {
    return error instanceof Error ? error : new HotconfError('E_REJECTED', String(error));
  }
}
