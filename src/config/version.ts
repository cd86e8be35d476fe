/**
 * A change's version: `(effectiveAt, seq)`. For each key the greatest version wins, wherever and in
 * whatever order changes arrive. `seq` comes from a Redis counter at schedule time, so versions are unique.
 */
export interface Version {
  readonly effectiveAt: number;
  readonly seq: number;
}

export function isNewerVersion(candidate: Version, than: Version | undefined): boolean {
  if (than === undefined) return true;
  return (
    candidate.effectiveAt > than.effectiveAt ||
    (candidate.effectiveAt === than.effectiveAt && candidate.seq > than.seq)
  );
}

/**
 * Versions are stored in Redis as "<effectiveAt>:<seq>:<revision>", the revision of the claim that applied
 * it (lua/includes/snapshot.lua); layout 1 stored "<effectiveAt>:<seq>".
 */
export function parseStoredVersion(stored: string): Version {
  const [effectiveAt, seq] = stored.split(':');
  return { effectiveAt: Number(effectiveAt), seq: Number(seq) };
}
