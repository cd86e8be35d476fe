import type { NormalizedChange } from './changes.js';

/**
 * How a scheduled change set is stored in the queue, decoded by lua/includes/change-set.lua:
 *   "<seq>;<count>;" then per change "<keyBytes>;<key><valueBytes>;<value JSON>", or "<keyBytes>;<key>d;" for a delete.
 * Length-prefixed so the claim script applies values to the snapshot without parsing JSON (Redis's cjson
 * would round numbers and turn [] into {}).
 * This encodes all but "<seq>;", which lua/schedule.lua prepends when it draws the seq.
 */
export function encodeChanges(changes: readonly NormalizedChange[]): string {
  let encoded = `${changes.length};`;
  for (const { key, valueJson } of changes) {
    encoded += `${Buffer.byteLength(key)};${key}`;
    encoded += valueJson === null ? 'd;' : `${Buffer.byteLength(valueJson)};${valueJson}`;
  }
  return encoded;
}

/**
 * The seq of a stored change set, or of the record a finished one leaves while its id is retained
 * ("<seq>;", lua/includes/retention.lua).
 */
export function seqOfChangeSet(encoded: string): number {
  return Number(encoded.slice(0, encoded.indexOf(';')));
}

export interface DecodedChangeSet {
  seq: number;
  changes: NormalizedChange[];
}

export function decodeChangeSet(encoded: string): DecodedChangeSet {
  const { seq, changes } = decodeChangeSetAt(Buffer.from(encoded), 0);
  return { seq, changes };
}

/** Decodes the change set that starts at `position` of `bytes`; `end` is where what follows it starts. */
export function decodeChangeSetAt(bytes: Buffer, position: number): DecodedChangeSet & { end: number } {
  const field = (): string => {
    const end = bytes.indexOf(0x3b /* ; */, position);
    const value = bytes.toString('latin1', position, end);
    position = end + 1;
    return value;
  };
  const text = (length: number): string => {
    const value = bytes.toString('utf8', position, position + length);
    position += length;
    return value;
  };
  const seq = Number(field());
  const count = Number(field());
  const changes: NormalizedChange[] = [];
  for (let i = 0; i < count; i++) {
    const key = text(Number(field()));
    const valueBytes = field();
    changes.push({ key, valueJson: valueBytes === 'd' ? null : text(Number(valueBytes)) });
  }
  return { seq, changes, end: position };
}
