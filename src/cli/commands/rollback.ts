import { connectionSettings, parseCommand } from '../args.js';
import type { Command } from '../command.js';
import { withScheduler } from '../connect.js';
import { print, time } from '../output.js';
import { parseWhen } from '../values.js';
import { describeDiffs } from './diff.js';
import { parseRevision, who, WHO_HELP, WHO_OPTIONS } from './release-flags.js';

export const rollback: Command = {
  name: 'rollback',
  summary: 'put every key back to its value at a revision',
  synopsis: 'hotconf rollback REVISION [--at ISO | --in DURATION] [--dry-run]',
  description: `Prints what would change, then schedules one change set (kind rollback) that puts every key
changed after REVISION back to its value then, deleting keys that did not exist. Without --at or --in
it is due now. --dry-run prints the difference only.`,
  options: `  --at ISO          when, as an ISO date-time with a zone
  --in DURATION     when, from now by the Redis clock: 500ms, 10s, 5m, 2h, 1d
  --dry-run         print the difference, schedule nothing
${WHO_HELP}`,
  async run(argv) {
    const options = {
      at: { type: 'string' },
      in: { type: 'string' },
      'dry-run': { type: 'boolean' },
      ...WHO_OPTIONS,
    } as const;
    const { values, positionals } = parseCommand(argv, options, { one: 'REVISION' });
    const toRevision = parseRevision(positionals[0]!, 'REVISION');
    const when = parseWhen(values, false);
    const result = await withScheduler(connectionSettings(values), async (scheduler) => {
      const current = await scheduler.current();
      const diff = await scheduler.diff(current.revision, toRevision);
      if (values['dry-run']) return { diff };
      return { diff, scheduled: await scheduler.rollback({ toRevision }, { ...when, ...who(values) }) };
    });
    print(values.json, result, () => {
      const { scheduled } = result;
      const outcome = scheduled
        ? `scheduled rollback ${scheduled.id} (seq ${scheduled.seq}) for ${time(scheduled.effectiveAt)}`
        : 'dry run: nothing scheduled';
      return `${describeDiffs(result.diff)}\n${outcome}`;
    });
  },
};
