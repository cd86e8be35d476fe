import type { HistoryEntry } from '../../index.js';
import { connectionSettings, parseCommand } from '../args.js';
import type { Command } from '../command.js';
import { withScheduler } from '../connect.js';
import { describeChange, print, time } from '../output.js';
import { parsePositiveInteger } from '../values.js';

export const history: Command = {
  name: 'history',
  summary: 'list what happened to changes (scheduled, applied, ...), newest first',
  synopsis: 'hotconf history [--key KEY] [--id ID] [--limit N]',
  description: `Lists the history of change sets newest first: scheduled, rescheduled, cancelled, applied
(with the revision it made and each key's value before) and skipped (with why), each with its time,
actor and reason.`,
  options: `  --key KEY         only entries about config key KEY
  --id ID           only entries of change set ID
  --limit N         at most N entries (default 20)`,
  async run(argv) {
    const options = { key: { type: 'string' }, id: { type: 'string' }, limit: { type: 'string' } } as const;
    const { values } = parseCommand(argv, options);
    const limit = values.limit === undefined ? 20 : parsePositiveInteger(values.limit, '--limit');
    const entries = await withScheduler(connectionSettings(values), (scheduler) =>
      scheduler.history({ key: values.key, id: values.id, limit }),
    );
    print(values.json, entries, () =>
      entries.length === 0 ? 'no history' : entries.map(describeEntry).join('\n'),
    );
  },
};

function describeEntry(entry: HistoryEntry): string {
  const parts = [time(entry.at), entry.event.padEnd(11), entry.id];
  if (entry.kind !== 'change') parts.push(`(${entry.kind})`);
  if (entry.revision !== undefined) parts.push(`rev ${entry.revision}`);
  if (entry.changes) parts.push(entry.changes.map(describeChange).join(' '));
  if (entry.previous) parts.push(`was ${entry.previous.map(describeChange).join(' ')}`);
  if (entry.why) parts.push(`[${entry.why}: ${(entry.keys ?? []).join(', ')}]`);
  if (entry.actor) parts.push(`by ${entry.actor}`);
  if (entry.reason) parts.push(`— ${entry.reason}`);
  return parts.join('  ');
}
