import { invalidArgument } from '../errors.js';
import { hasLoneSurrogate } from './unicode.js';

/** One key's change as a user writes it: a new value, or a delete. */
export type ConfigChange = { key: string; value: unknown } | { key: string; deleted: true };

/** What `schedule()` takes: one change, or a change set applied atomically by subscribers. */
export type ChangeSetInput = ConfigChange | { changes: readonly ConfigChange[] };

/** A validated change: the value already serialised to JSON, `null` for a delete. */
export interface NormalizedChange {
  readonly key: string;
  readonly valueJson: string | null;
}

/** A validated change back as users write it: its value parsed, or `deleted: true`. */
export function toConfigChange({ key, valueJson }: NormalizedChange): ConfigChange {
  return valueJson === null ? { key, deleted: true } : { key, value: JSON.parse(valueJson) as unknown };
}

export const DEFAULT_MAX_KEY_BYTES = 256;

/** Validates a change or change set and serialises its values; throws E_INVALID_ARGUMENT. */
export function normalizeChanges(
  input: ChangeSetInput,
  maxKeyBytes = DEFAULT_MAX_KEY_BYTES,
): NormalizedChange[] {
  if (typeof input !== 'object' || input === null) {
    throw invalidArgument('a change must be { key, value }, { key, deleted: true } or { changes: [...] }');
  }
  const list = 'changes' in input ? input.changes : [input];
  if (!Array.isArray(list) || list.length === 0) throw invalidArgument('changes must be a non-empty array');
  const seen = new Set<string>();
  return list.map((change: unknown, index) => {
    const normalized = normalizeChange(change, index, maxKeyBytes);
    if (seen.has(normalized.key))
      throw invalidArgument(`key "${normalized.key}" appears twice in one change set`);
    seen.add(normalized.key);
    return normalized;
  });
}

function normalizeChange(change: unknown, index: number, maxKeyBytes: number): NormalizedChange {
  if (typeof change !== 'object' || change === null)
    throw invalidArgument(`change ${index} must be an object`);
  const { key } = change as { key?: unknown };
  if (typeof key !== 'string' || key.length === 0 || Buffer.byteLength(key) > maxKeyBytes) {
    throw invalidArgument(`change ${index}: key must be a non-empty string of at most ${maxKeyBytes} bytes`);
  }
  if (hasLoneSurrogate(key)) {
    throw invalidArgument(`change ${index}: key ${JSON.stringify(key)} is not well-formed Unicode`);
  }
  if ('deleted' in change && (change as { deleted: unknown }).deleted === true) {
    if ('value' in change) throw invalidArgument(`change "${key}": give either value or deleted, not both`);
    return { key, valueJson: null };
  }
  if (!('value' in change)) throw invalidArgument(`change "${key}" needs a value or deleted: true`);
  return { key, valueJson: serializeValue(key, (change as { value: unknown }).value) };
}

function serializeValue(key: string, value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw invalidArgument(`change "${key}": value ${value} is not JSON-serialisable`);
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw invalidArgument(`change "${key}": value is not JSON-serialisable (${(error as Error).message})`);
  }
  if (json === undefined)
    throw invalidArgument(`change "${key}": value of type ${typeof value} is not JSON-serialisable`);
  return json;
}
