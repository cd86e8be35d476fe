/** A change set's version: (effectiveAt, seq), compared in that order. */
export interface Version {
  effectiveAt: number;
  seq: number;
}

export function compareVersions(a: Version, b: Version): number {
  return a.effectiveAt - b.effectiveAt || a.seq - b.seq;
}
