import { isDeepStrictEqual } from 'node:util';
import type { Envelope } from '../config/envelope.js';
import type { ConfigSnapshot } from '../config/snapshot.js';
import { isNewerVersion, type Version } from '../config/version.js';

/** The live config: a frozen plain object, replaced as a whole on every change. */
export type FrozenConfig = Readonly<Record<string, unknown>>;

/** One key's new value at a version, from an envelope or a snapshot. */
export interface KeyUpdate {
  readonly key: string;
  readonly version: Version;
  /** The new value, deep-frozen; undefined when the key is deleted. */
  readonly value: unknown;
}

/** A key whose value an applied update changed. */
export interface ValueChange {
  readonly key: string;
  readonly oldValue: unknown;
  readonly newValue: unknown;
  readonly version: Version;
}

const EMPTY_CONFIG: FrozenConfig = Object.freeze({});

/**
 * A subscriber's config in memory: each key's value and the version of its latest change (deletes
 * included, as tombstones), so a key only ever moves forward whatever order updates arrive in. Pure:
 * no I/O, no events.
 *
 * The frozen object `getAll()` returns is built lazily, once per change, so a burst of changes with
 * nobody reading costs no copies.
 */
export class ConfigState {
  /** The revision of the last snapshot merged (0 before any). */
  revision = 0;
  private readonly values = new Map<string, unknown>();
  private readonly versions = new Map<string, Version>();
  private frozen: FrozenConfig | undefined = EMPTY_CONFIG;

  get(key: string): unknown {
    return this.values.get(key);
  }

  getAll(): FrozenConfig {
    this.frozen ??= freezeEntries(this.values);
    return this.frozen;
  }

  /** The updates that are newer than what is held, in their order; the others are stale or repeats. */
  newer(updates: readonly KeyUpdate[]): KeyUpdate[] {
    return updates.filter((update) => isNewerVersion(update.version, this.versions.get(update.key)));
  }

  /** What `getAll()` would return after `updates`, without changing anything. */
  preview(updates: readonly KeyUpdate[]): FrozenConfig {
    const next = new Map(this.values);
    for (const { key, value } of updates) {
      if (value === undefined) next.delete(key);
      else next.set(key, value);
    }
    return freezeEntries(next);
  }

  /**
   * Applies updates that `newer()` kept, all at once. `preview` is the object `preview(updates)` returned,
   * when one was built, so it is not built twice. Returns the keys whose value changed.
   */
  commit(updates: readonly KeyUpdate[], preview?: FrozenConfig): ValueChange[] {
    const changes: ValueChange[] = [];
    for (const { key, version, value } of updates) {
      const oldValue = this.values.get(key);
      this.versions.set(key, version);
      if (value === undefined) this.values.delete(key);
      else this.values.set(key, value);
      if (!isDeepStrictEqual(oldValue, value)) changes.push({ key, oldValue, newValue: value, version });
    }
    this.frozen = preview;
    return changes;
  }

  /** Values, versions (tombstones included) and revision, as a backup file stores them. */
  toSnapshot(): ConfigSnapshot {
    return {
      revision: this.revision,
      values: Object.fromEntries(this.values),
      versions: Object.fromEntries(this.versions),
    };
  }
}

export function updatesFromEnvelope(envelope: Envelope): KeyUpdate[] {
  const version = { effectiveAt: envelope.effectiveAt, seq: envelope.seq };
  return envelope.changes.map((change) => ({
    key: change.key,
    version,
    value: 'value' in change ? deepFreeze(change.value) : undefined,
  }));
}

/** One update per key the snapshot has a version for: a key without a value is a tombstone. */
export function updatesFromSnapshot(snapshot: ConfigSnapshot): KeyUpdate[] {
  return Object.entries(snapshot.versions).map(([key, version]) => ({
    key,
    version,
    value: Object.hasOwn(snapshot.values, key) ? deepFreeze(snapshot.values[key]) : undefined,
  }));
}

// Object.fromEntries defines own properties, so a key such as "__proto__" stays an ordinary key.
function freezeEntries(values: Map<string, unknown>): FrozenConfig {
  return Object.freeze(Object.fromEntries(values));
}

// Values are shared by every reader of the config: freezing them keeps one reader from changing another's.
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const nested of Object.values(value)) deepFreeze(nested);
  }
  return value;
}
