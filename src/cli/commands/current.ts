import { connectionSettings, parseCommand } from '../args.js';
import type { Command } from '../command.js';
import { withScheduler } from '../connect.js';
import { describeChange, print } from '../output.js';

export const current: Command = {
  name: 'current',
  summary: 'print the config now in effect',
  synopsis: 'hotconf current',
  description:
    'Prints the config snapshot in Redis, the config every subscriber converges to, and its revision.',
  async run(argv) {
    const { values } = parseCommand(argv, {});
    const config = await withScheduler(connectionSettings(values), (scheduler) => scheduler.current());
    print(values.json, config, () =>
      [
        `revision ${config.revision}`,
        ...Object.keys(config.values)
          .sort()
          .map((key) => describeChange({ key, value: config.values[key] })),
      ].join('\n'),
    );
  },
};
