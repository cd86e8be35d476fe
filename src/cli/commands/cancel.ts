import { connectionSettings, parseCommand } from '../args.js';
import type { Command } from '../command.js';
import { withScheduler } from '../connect.js';
import { loadLibrary } from '../library.js';
import { print } from '../output.js';

export const cancel: Command = {
  name: 'cancel',
  summary: 'cancel a pending change',
  synopsis: 'hotconf cancel ID',
  description: `Removes a pending change. Fails with E_NOT_PENDING (exit 1) when the change is unknown,
already published or being published.`,
  async run(argv) {
    const { values, positionals } = parseCommand(argv, {}, { one: 'ID' });
    const id = positionals[0]!;
    const cancelled = await withScheduler(connectionSettings(values), (scheduler) => scheduler.cancel(id));
    // The library answers false; the CLI makes it the same error reschedule gives.
    if (!cancelled) {
      const { HotconfError } = await loadLibrary();
      throw new HotconfError(
        'E_NOT_PENDING',
        `change ${id} is not pending (unknown, published or being published)`,
      );
    }
    print(values.json, { id, cancelled }, () => `cancelled ${id}`);
  },
};
