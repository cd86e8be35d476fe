import type { ChangeSetInput, ConfigChange } from '../../index.js';
import { connectionSettings, parseCommand } from '../args.js';
import type { Command } from '../command.js';
import { withScheduler } from '../connect.js';
import { print, time } from '../output.js';
import { UsageError } from '../usage.js';
import { parseAssignment, parseWhen } from '../values.js';
import {
  describeReport,
  parseWaitTimeout,
  WAIT_HELP,
  WAIT_OPTIONS,
  waitForInstances,
} from './wait-for-applied.js';
import { parseRevision, parseTimeBox, who, WHO_HELP, WHO_OPTIONS } from './release-flags.js';

export const schedule: Command = {
  name: 'schedule',
  summary: 'schedule a config change (KEY=VALUE ...) for a time',
  synopsis:
    'hotconf schedule KEY=VALUE... [--delete KEY]... [--at ISO | --in DURATION] [--until ISO | --for DURATION] [--id ID] [--wait [--timeout DURATION]]',
  description: `Schedules one change set: every KEY=VALUE and --delete KEY, applied together. VALUE is
JSON when it parses as JSON (limit=5, on=true, flags={"a":1}), else the text itself (switch=on).
Without --at or --in the change is due now.`,
  options: `  --at ISO          when, as an ISO date-time with a zone: 2026-12-01T00:00:00Z
  --in DURATION     when, from now by the Redis clock: 500ms, 10s, 5m, 2h, 1d
  --delete KEY      delete KEY (repeatable)
  --id ID           a stable id, so that scheduling again does nothing
  --until ISO       time-boxed: at ISO each key goes back to its value before (unless changed since)
  --for DURATION    time-boxed for DURATION from when the change takes effect
  --base-revision N skip the change (history: skipped, conflict) if its keys change after revision N
  --base-current    the same, from the revision in effect now
${WHO_HELP}
${WAIT_HELP}`,
  async run(argv) {
    const options = {
      at: { type: 'string' },
      in: { type: 'string' },
      delete: { type: 'string', multiple: true },
      id: { type: 'string' },
      until: { type: 'string' },
      for: { type: 'string' },
      'base-revision': { type: 'string' },
      'base-current': { type: 'boolean' },
      ...WHO_OPTIONS,
      ...WAIT_OPTIONS,
    } as const;
    const { values, positionals } = parseCommand(argv, options, 'many');
    const changes: ConfigChange[] = [
      ...positionals.map(parseAssignment),
      ...(values.delete ?? []).map((key) => ({ key, deleted: true as const })),
    ];
    const [first] = changes;
    if (!first) throw new UsageError('missing KEY=VALUE (or --delete KEY)');
    const input: ChangeSetInput = changes.length === 1 ? first : { changes };
    const when = parseWhen(values, false);
    const timeBox = parseTimeBox(values);
    if (values['base-revision'] !== undefined && values['base-current'])
      throw new UsageError('give either --base-revision or --base-current, not both');
    const base =
      values['base-revision'] === undefined
        ? undefined
        : parseRevision(values['base-revision'], '--base-revision');
    const settings = connectionSettings(values);
    const timeoutMs = parseWaitTimeout(values);
    const { scheduled, applied } = await withScheduler(settings, async (scheduler) => {
      const baseRevision = values['base-current'] ? (await scheduler.current()).revision : base;
      const scheduled = await scheduler.schedule(input, {
        ...when,
        id: values.id,
        ...who(values, settings.historyLimit),
        ...timeBox,
        ...(baseRevision === undefined ? {} : { baseRevision }),
      });
      const applied = values.wait ? await waitForInstances(scheduler, scheduled, timeoutMs) : undefined;
      return { scheduled, applied };
    });
    const text = `scheduled ${scheduled.id} (seq ${scheduled.seq}) for ${time(scheduled.effectiveAt)}`;
    print(values.json, applied ? { ...scheduled, applied } : scheduled, () =>
      applied ? `${text}\n${describeReport(applied)}` : text,
    );
  },
};
