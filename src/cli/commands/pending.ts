import { connectionSettings, parseCommand } from '../args.js';
import type { Command } from '../command.js';
import { withScheduler } from '../connect.js';
import { describeChange, print, time } from '../output.js';
import { parsePositiveInteger } from '../values.js';

export const pending: Command = {
  name: 'pending',
  summary: 'list the changes not yet due, earliest first',
  synopsis: 'hotconf pending [--limit N]',
  description: 'Lists the scheduled changes that no scheduler has claimed yet, earliest first.',
  options: '  --limit N         at most N changes (default 100)',
  async run(argv) {
    const { values } = parseCommand(argv, { limit: { type: 'string' } } as const);
    const limit = values.limit === undefined ? 100 : parsePositiveInteger(values.limit, '--limit');
    const changes = await withScheduler(connectionSettings(values), (scheduler) =>
      scheduler.pending({ limit }),
    );
    print(values.json, changes, () =>
      changes.length === 0
        ? 'no pending changes'
        : changes
            .map(
              (change) =>
                `${time(change.effectiveAt)}  ${change.id}  seq ${change.seq}  ${change.changes.map(describeChange).join(' ')}`,
            )
            .join('\n'),
    );
  },
};
