/**
 * Runs per property: `fallback` in `npm test` (bounded, so the suite stays short), or
 * HOTCONF_PROPERTY_RUNS for a longer search (e.g. HOTCONF_PROPERTY_RUNS=2000 npx vitest run test/properties).
 */
export function propertyRuns(fallback: number): number {
  const configured = process.env.HOTCONF_PROPERTY_RUNS;
  if (configured === undefined) return fallback;
  const runs = Number(configured);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`HOTCONF_PROPERTY_RUNS must be a positive integer (got ${configured})`);
  return runs;
}

/** A test timeout for `runs` runs of about `perRunMs` each on a loaded machine, with room to shrink. */
export function propertyTimeoutMs(runs: number, perRunMs: number): number {
  return 60_000 + runs * perRunMs * 3;
}
