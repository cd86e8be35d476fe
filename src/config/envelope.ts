import type { NormalizedChange } from './changes.js';

/** The NSQ message body: one scheduled change set (DESIGN.md, "Message envelope"). */
export interface Envelope {
  v: 1;
  id: string;
  seq: number;
  effectiveAt: number;
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
