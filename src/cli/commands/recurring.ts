import type { RecurringChange } from '../../index.js';
import { connectionSettings, parseCommand } from '../args.js';
import type { Command } from '../command.js';
import { withScheduler } from '../connect.js';
import { describeChange, print, time } from '../output.js';
import { UsageError } from '../usage.js';
import { parseAssignment, parseDuration } from '../values.js';
import { who, WHO_HELP, WHO_OPTIONS } from './release-flags.js';

export const recurring: Command = {
  name: 'recurring',
  summary: 'add, list or cancel changes that recur on a cron schedule',
  synopsis: `hotconf recurring add ID --cron CRON [--tz ZONE] [--for DURATION] KEY=VALUE... [--delete KEY]...
       hotconf recurring list
       hotconf recurring cancel ID`,
  description: `A recurring change applies its KEY=VALUE changes at every instant of a cron schedule (five
fields, or six with seconds first) read in a time zone, DST included; with --for each occurrence goes
back after that long. add leaves an existing ID as it is (cancel it first to change it).`,
  options: `  --cron CRON       e.g. '0 22 * * *' (every day at 22:00)
  --tz ZONE         IANA time zone, e.g. Europe/Berlin (default UTC)
  --for DURATION    each occurrence reverts after this long: 30m, 8h
  --delete KEY      delete KEY at each occurrence (repeatable)
${WHO_HELP}`,
  async run(argv) {
    const options = {
      cron: { type: 'string' },
      tz: { type: 'string' },
      for: { type: 'string' },
      delete: { type: 'string', multiple: true },
      ...WHO_OPTIONS,
    } as const;
    const { values, positionals } = parseCommand(argv, options, 'many');
    const [action, ...words] = positionals;
    const settings = connectionSettings(values);
    if (action === 'list') {
      if (words.length > 0) throw new UsageError(`unexpected argument "${words[0]}"`);
      const list = await withScheduler(settings, (scheduler) => scheduler.recurring());
      print(values.json, list, () =>
        list.length === 0 ? 'no recurring changes' : list.map(describe).join('\n'),
      );
      return;
    }
    const [id, ...assignments] = words;
    if (id === undefined)
      throw new UsageError(`missing ${action === undefined ? 'add, list or cancel' : 'ID'}`);
    if (action === 'cancel') {
      if (assignments.length > 0) throw new UsageError(`unexpected argument "${assignments[0]}"`);
      const cancelled = await withScheduler(settings, (scheduler) => scheduler.cancelRecurring(id));
      print(values.json, { id, cancelled }, () =>
        cancelled ? `cancelled ${id}` : `no recurring change ${id}`,
      );
      if (!cancelled) process.exitCode = 1;
      return;
    }
    if (action !== 'add') throw new UsageError(`unknown action "${action}": add, list or cancel`);
    if (values.cron === undefined) throw new UsageError('missing --cron CRON');
    const changes = [
      ...assignments.map(parseAssignment),
      ...(values.delete ?? []).map((key) => ({ key, deleted: true as const })),
    ];
    if (changes.length === 0) throw new UsageError('missing KEY=VALUE (or --delete KEY)');
    const added = await withScheduler(settings, (scheduler) =>
      scheduler.scheduleRecurring({
        id,
        cron: values.cron!,
        ...(values.tz === undefined ? {} : { timezone: values.tz }),
        change: { changes },
        ...(values.for === undefined ? {} : { durationMs: parseDuration(values.for, '--for') }),
        ...who(values),
      }),
    );
    print(values.json, added, () =>
      added.nextRunAt === null ? `added ${id}` : `added ${id}, next at ${time(added.nextRunAt)}`,
    );
  },
};

function describe(change: RecurringChange): string {
  const next = change.nextRunAt === null ? 'none pending' : `next ${time(change.nextRunAt)}`;
  const duration = change.durationMs === undefined ? '' : `  for ${change.durationMs} ms`;
  return `${change.id}  '${change.cron}' ${change.timezone}${duration}  ${next}  ${change.changes.map(describeChange).join(' ')}`;
}
