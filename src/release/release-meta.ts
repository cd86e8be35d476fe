import { readFieldsAt, writeFields } from './fields.js';

/**
 * Release facts a change set carries to the scripts that record and apply it, appended to its encoded
 * form (src/config/change-set-codec.ts, which reads its changes and stops before this trailer):
 *   "<bytes>;<field>" for each field in FIELDS order, then ";<fields bytes, 4 digits>~R" (a fixed
 *   width, so that the claim finds it without a pattern search).
 * The marker ends every payload that has one and ends none without: an encoded change set ends with a
 * JSON value or "d;". lua/includes/release-meta.lua reads it from the end, without parsing JSON.
 */
export interface ReleaseMeta {
  /** change | rollback | revert | recurring */
  readonly kind: ChangeKind;
  readonly actor?: string;
  readonly reason?: string;
  /** About how many records the history stream keeps (lua/includes/history.lua). */
  readonly historyLimit: number;
  /** Absolute end of a time-boxed change (epoch ms). */
  readonly untilAt?: number;
  /** Duration of a time-boxed change, from when it takes effect (recurring occurrences). */
  readonly forMs?: number;
  /** The snapshot revision the change set was prepared against. */
  readonly baseRevision?: number;
  /** The recurring definition an occurrence belongs to. */
  readonly recurringId?: string;
  /** A revert only: the id of the change it reverts and that change's version "<effectiveAt>:<seq>". */
  readonly revertOf?: string;
  readonly revertVersion?: string;
}

export type ChangeKind = 'change' | 'rollback' | 'revert' | 'recurring';

/** Internal schedule() option: the kind of a change set release control schedules (rollback). */
export const CHANGE_KIND = Symbol('hotconf.changeKind');

const FIELDS = [
  'kind',
  'actor',
  'reason',
  'historyLimit',
  'untilAt',
  'forMs',
  'baseRevision',
  'recurringId',
  'revertOf',
  'revertVersion',
] as const satisfies readonly (keyof ReleaseMeta)[];

const MARKER = '~R';
const TRAILER_END = /;(\d{4})~R$/;
/** Room for every field at its bound (actor 128 and reason 1,024 bytes are the longest). */
const MAX_FIELDS_BYTES = 9999;

export function encodeReleaseMeta(meta: ReleaseMeta): string {
  const fields = writeFields(meta, FIELDS);
  const bytes = Buffer.byteLength(fields);
  if (bytes > MAX_FIELDS_BYTES) throw new RangeError(`release facts of ${bytes} bytes`);
  return `${fields};${String(bytes).padStart(4, '0')}${MARKER}`;
}

/** The release facts at the end of a payload, or undefined when it has none (history off). */
export function decodeReleaseMeta(payload: string): ReleaseMeta | undefined {
  const match = payload.endsWith(MARKER) ? TRAILER_END.exec(payload) : null;
  if (!match) return undefined;
  const bytes = Buffer.from(payload);
  return readReleaseMetaAt(bytes, bytes.length - Buffer.byteLength(match[0]) - Number(match[1])).meta;
}

/** The release facts that start at `position` of `bytes`, and where they end (just past "~R"). */
export function readReleaseMetaAt(bytes: Buffer, position: number): { meta: ReleaseMeta; end: number } {
  const { record, end } = readFieldsAt(bytes, position, FIELDS);
  const { historyLimit, untilAt, forMs, baseRevision, ...text } = record;
  const numbers = { historyLimit, untilAt, forMs, baseRevision };
  const meta: Record<string, string | number> = { ...text };
  for (const [name, value] of Object.entries(numbers)) if (value !== undefined) meta[name] = Number(value);
  return { meta: meta as unknown as ReleaseMeta, end: end + ';0000~R'.length };
}
