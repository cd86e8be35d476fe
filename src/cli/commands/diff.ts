import type { KeyDiff, KeyState } from '../../index.js';
import { connectionSettings, parseCommand } from '../args.js';
import type { Command } from '../command.js';
import { withScheduler } from '../connect.js';
import { print } from '../output.js';
import { UsageError } from '../usage.js';
import { parseRevision } from './release-flags.js';

export const diff: Command = {
  name: 'diff',
  summary: 'print the per-key difference between two revisions',
  synopsis: 'hotconf diff FROM [TO]',
  description: `Prints, key by key, how the config at revision TO (default: the current one) differs from
the config at revision FROM, computed from history.`,
  async run(argv) {
    const { values, positionals } = parseCommand(argv, {}, 'many');
    const [fromText, toText, extra] = positionals;
    if (fromText === undefined) throw new UsageError('missing FROM');
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
    const from = parseRevision(fromText, 'FROM');
    const to = toText === undefined ? undefined : parseRevision(toText, 'TO');
    const diffs = await withScheduler(connectionSettings(values), (scheduler) => scheduler.diff(from, to));
    print(values.json, diffs, () => describeDiffs(diffs));
  },
};

/** One line per key: `key: <from> -> <to>`. */
export function describeDiffs(diffs: readonly KeyDiff[]): string {
  if (diffs.length === 0) return 'no difference';
  return diffs
    .map(({ key, from, to }) => `${key}: ${describeState(from)} -> ${describeState(to)}`)
    .join('\n');
}

function describeState(state: KeyState): string {
  return 'deleted' in state ? '(unset)' : JSON.stringify(state.value);
}
