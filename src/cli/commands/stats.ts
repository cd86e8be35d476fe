import { connectionSettings, parseCommand } from '../args.js';
import type { Command } from '../command.js';
import { withScheduler } from '../connect.js';
import { print } from '../output.js';

export const stats: Command = {
  name: 'stats',
  summary: 'count the due, scheduled, processing, awaiting-publish and dead changes',
  synopsis: 'hotconf stats',
  description: `Counts the changes that are due but not claimed, scheduled for later, being published
(claimed, not yet acknowledged), in effect with their publish to be retried, and dead, and how long the
oldest due change has waited.`,
  async run(argv) {
    const { values } = parseCommand(argv, {});
    const counts = await withScheduler(connectionSettings(values), (scheduler) => scheduler.stats());
    print(values.json, counts, () =>
      [
        `due         ${counts.due}`,
        `scheduled   ${counts.scheduled}`,
        `processing  ${counts.processing}`,
        `republish   ${counts.awaitingPublish}`,
        `dead        ${counts.dead}`,
        `oldest lag  ${counts.oldestDueLagMs} ms`,
      ].join('\n'),
    );
  },
};
