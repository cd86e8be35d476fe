import { parseArgs } from 'node:util';

export interface BenchArgs {
  quick: boolean;
  /** Where the JSON goes; the SVGs are written beside it, named after it. */
  out: string;
}

/** `--quick` and `--out FILE`; the default file is bench/results/<YYYY-MM-DD>.json. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: { quick: { type: 'boolean', default: false }, out: { type: 'string' } },
    strict: true,
  });
  const today = new Date().toISOString().slice(0, 10);
  return { quick: values.quick, out: values.out ?? `bench/results/${today}.json` };
}
