import type { NormalizedChange } from './changes.js';

/**
 * How a scheduled change set is stored in the queue, decoded by lua/includes/change-set.lua:
 *   "<seq>;<count>;" then per change "<keyBytes>;<key><valueBytes>;<value JSON>", or "<keyBytes>;<key>d;" for a delete.
 * Length-prefixed so the claim script applies values to the snapshot without parsing JSON (Redis's cjson
 * would round numbers and turn [] into {}).
 */
export function encodeChangeSet(seq: number, changes: readonly NormalizedChange[]): string {
  let encoded = `${seq};${changes.length};`;
  for (const { key, valueJson } of changes) {
    encoded += `${Buffer.byteLength(key)};${key}`;
    encoded += valueJson === null ? 'd;' : `${Buffer.byteLength(valueJson)};${valueJson}`;
  }
  return encoded;
}

export interface DecodedChangeSet {
  seq: number;
  changes: NormalizedChange[];
}

export function decodeChangeSet(encoded: string): DecodedChangeSet {
  const bytes = Buffer.from(encoded);
  let position = 0;
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
  return { seq, changes };
}
