import { connectionSettings, parseCommand } from '../args.js';
import type { Command } from '../command.js';
import { withScheduler } from '../connect.js';
import { print, time } from '../output.js';
import { parseWhen } from '../values.js';

export const reschedule: Command = {
  name: 'reschedule',
  summary: 'move a pending change to another time',
  synopsis: 'hotconf reschedule ID (--at ISO | --in DURATION)',
  description: `Moves a pending change to a new time, keeping its seq. Fails with E_NOT_PENDING (exit 1)
when the change is unknown, already published or being published.`,
  options: `  --at ISO          the new time, as an ISO date-time with a zone: 2026-12-01T00:00:00Z
  --in DURATION     the new time, from now by the Redis clock: 500ms, 10s, 5m, 2h, 1d`,
  async run(argv) {
    const options = { at: { type: 'string' }, in: { type: 'string' } } as const;
    const { values, positionals } = parseCommand(argv, options, { one: 'ID' });
    const when = parseWhen(values, true);
    const moved = await withScheduler(connectionSettings(values), (scheduler) =>
      scheduler.reschedule(positionals[0]!, when),
    );
    print(
      values.json,
      moved,
      () => `rescheduled ${moved.id} (seq ${moved.seq}) to ${time(moved.effectiveAt)}`,
    );
  },
};
