import { HotconfError } from '../errors.js';
import type { NormalizedChange } from './changes.js';
import { isRecord } from './is-record.js';

/** The NSQ message body: one scheduled change set (DESIGN.md, "Message envelope"). */
export interface Envelope {
  v: 1;
  id: string;
  seq: number;
  effectiveAt: number;
  /** When the scheduler sent it (Redis server clock, ms); the `published` event has the acknowledgement. */
  publishedAt: number;
  changes: EnvelopeChange[];
}

export type EnvelopeChange = { key: string; value: unknown } | { key: string; deleted: true };

export interface EnvelopeFields {
  id: string;
  seq: number;
  effectiveAt: number;
  publishedAt: number;
  changes: readonly NormalizedChange[];
}

/** Serialises an envelope from already-serialised values, without re-parsing them. */
export function envelopeJson({ id, seq, effectiveAt, publishedAt, changes }: EnvelopeFields): string {
  const body = changes
    .map(({ key, valueJson }) =>
      valueJson === null
        ? `{"key":${JSON.stringify(key)},"deleted":true}`
        : `{"key":${JSON.stringify(key)},"value":${valueJson}}`,
    )
    .join(',');
  return `{"v":1,"id":${JSON.stringify(id)},"seq":${seq},"effectiveAt":${effectiveAt},"publishedAt":${publishedAt},"changes":[${body}]}`;
}

/** The largest an envelope of these changes can get, whatever seq and times it is given. */
export function maxEnvelopeBytes(id: string, changes: readonly NormalizedChange[]): number {
  const widest = Number.MAX_SAFE_INTEGER;
  return Buffer.byteLength(
    envelopeJson({ id, seq: widest, effectiveAt: widest, publishedAt: widest, changes }),
  );
}

/**
 * Parses an NSQ message body and checks that it is an envelope v1 a subscriber can apply: throws
 * E_MALFORMED_MESSAGE for bad JSON, an unknown `v`, a missing or mistyped field, or a key that appears twice.
 */
export function parseEnvelope(body: string): Envelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw malformed(`not JSON (${(error as Error).message})`);
  }
  if (!isRecord(parsed)) throw malformed('not a JSON object');
  if (parsed.v !== 1) throw malformed(`unknown envelope version ${JSON.stringify(parsed.v)}`);
  const { id, seq, effectiveAt, publishedAt, changes } = parsed;
  if (typeof id !== 'string' || id.length === 0) throw malformed('id must be a non-empty string');
  for (const [name, value] of Object.entries({ seq, effectiveAt, publishedAt })) {
    if (!Number.isSafeInteger(value) || (value as number) < 0) {
      throw malformed(`${name} must be a non-negative integer`);
    }
  }
  if (!Array.isArray(changes) || changes.length === 0) throw malformed('changes must be a non-empty array');
  const keys = new Set<string>();
  for (const change of changes) {
    if (!isRecord(change) || typeof change.key !== 'string' || change.key.length === 0) {
      throw malformed('every change needs a non-empty string key');
    }
    if (keys.has(change.key)) throw malformed(`key ${JSON.stringify(change.key)} appears twice`);
    keys.add(change.key);
    const deletes = change.deleted === true;
    if (deletes === 'value' in change) {
      throw malformed(`change ${JSON.stringify(change.key)} needs either a value or deleted: true`);
    }
  }
  return parsed as unknown as Envelope;
}

function malformed(problem: string): HotconfError {
  return new HotconfError('E_MALFORMED_MESSAGE', `malformed envelope: ${problem}`);
}
