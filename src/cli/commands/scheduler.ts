import { connectionSettings, parseCommand } from '../args.js';
import type { Command } from '../command.js';
import { fromFlags, schedulerSettings } from '../connect.js';
import { loadLibrary } from '../library.js';
import { print, warn } from '../output.js';
import { untilSignal } from '../signals.js';

export const scheduler: Command = {
  name: 'scheduler',
  summary: 'run a scheduler: publish changes to NSQ as they fall due',
  synopsis: 'hotconf scheduler [--legacy-topic TOPIC]',
  description: `Runs the claim → publish → acknowledge loop until SIGINT or SIGTERM, then finishes the
batches in flight, gives back what it holds and exits 0. Any number of schedulers may run on one
prefix. Prints a line per event: starting, started, published, requeued, stopping,
stopped; errors go to stderr.`,
  options: `  --legacy-topic TOPIC  also publish each change as the recipe's {"key","value"} body to TOPIC
                        (e.g. config_push; deletes are not sent)`,
  async run(argv) {
    const { values } = parseCommand(argv, { 'legacy-topic': { type: 'string' } } as const);
    const settings = connectionSettings(values);
    const { redisUrl, nsqd, topic, prefix } = settings;
    const { createScheduler } = await loadLibrary();
    const legacyTopic = values['legacy-topic'];
    const legacy = legacyTopic === undefined ? {} : { legacy: { topic: legacyTopic } };
    const running = fromFlags(() =>
      createScheduler({ redis: redisUrl, nsqd, ...schedulerSettings(settings), ...legacy }),
    );
    running.on('published', (event) =>
      print(
        values.json,
        { event: 'published', ...event },
        () => `published ${event.id} (seq ${event.seq}), ${event.lagMs} ms late`,
      ),
    );
    running.on('requeued', ({ ids, attempt, delayMs, error }) =>
      print(
        values.json,
        { event: 'requeued', ids, attempt, delayMs, error: error.message },
        () =>
          `requeued ${ids.length} change(s) after attempt ${attempt}, retry in ${delayMs} ms: ${error.message}`,
      ),
    );
    running.on('error', warn);
    const signalled = untilSignal();
    print(
      values.json,
      { event: 'starting', prefix, topic },
      () => `scheduler starting (prefix ${prefix}, topic ${topic})`,
    );
    try {
      // start() waits for Redis, which may be down: a signal must end the wait too.
      const started = await Promise.race([running.start().then(() => true), signalled.then(() => false)]);
      if (started) {
        print(values.json, { event: 'started' }, () => 'scheduler started');
      }
      const signal = await signalled;
      print(values.json, { event: 'stopping', signal }, () => `${signal}: stopping`);
    } finally {
      await running.stop();
    }
    print(values.json, { event: 'stopped' }, () => 'scheduler stopped');
  },
};
