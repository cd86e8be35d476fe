/**
 * Release facts a change set carries to the scripts that record and apply it, appended to its encoded
 * form (src/config/change-set-codec.ts, which reads its changes and stops before this trailer):
 *   "<bytes>;<field>" for each field in FIELDS order, then ";<trailer bytes>~R".
 * The marker ends every payload that has one and ends none without: an encoded change set ends with a
 * JSON value or "d;". lua/includes/release-meta.lua reads it from the end, without parsing JSON.
 */
export interface ReleaseMeta {
  /** change | rollback | revert | recurring */
  readonly kind: ChangeKind;
  readonly actor?: string;
  readonly reason?: string;
  /** Trim length of the history stream (XADD MAXLEN ~). */
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

const NUMBER_FIELDS = new Set<string>(['historyLimit', 'untilAt', 'forMs', 'baseRevision']);
const MARKER = '~R';
const TRAILER_END = /;(\d+)~R$/;

export function encodeReleaseMeta(meta: ReleaseMeta): string {
  let fields = '';
  for (const name of FIELDS) {
    const value = meta[name];
    const text = value === undefined ? '' : String(value);
    fields += `${Buffer.byteLength(text)};${text}`;
  }
  return `${fields};${Buffer.byteLength(fields)}${MARKER}`;
}

/** The release facts at the end of a payload, or undefined when it has none (history off). */
export function decodeReleaseMeta(payload: string): ReleaseMeta | undefined {
  if (!payload.endsWith(MARKER)) return undefined;
  const match = TRAILER_END.exec(payload);
  if (!match) return undefined;
  const bytes = Buffer.from(payload);
  const trailerBytes = Number(match[1]);
  let position = bytes.length - Buffer.byteLength(match[0]) - trailerBytes;
  const meta: Record<string, string | number> = {};
  for (const name of FIELDS) {
    const sep = bytes.indexOf(0x3b /* ; */, position);
    const length = Number(bytes.toString('latin1', position, sep));
    const text = bytes.toString('utf8', sep + 1, sep + 1 + length);
    position = sep + 1 + length;
    if (text !== '') meta[name] = NUMBER_FIELDS.has(name) ? Number(text) : text;
  }
  return meta as unknown as ReleaseMeta;
}
