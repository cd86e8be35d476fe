import { parseArgs } from 'node:util';

export interface SoakArgs {
  minutes: number;
}

/** `--minutes N` (default 2): how long the soak runs, faults and all. */
export function parseSoakArgs(argv: string[]): SoakArgs {
  const { values } = parseArgs({ args: argv, options: { minutes: { type: 'string' } }, strict: true });
  const minutes = Number(values.minutes ?? 2);
  if (!Number.isFinite(minutes) || minutes < 1 || minutes > 24 * 60) {
    throw new Error(`--minutes must be a number from 1 to 1440 (got ${values.minutes})`);
  }
  return { minutes };
}
