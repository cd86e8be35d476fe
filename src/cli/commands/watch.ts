import { connectionSettings, parseCommand } from '../args.js';
import type { Command } from '../command.js';
import { fromFlags } from '../connect.js';
import { loadLibrary } from '../library.js';
import { print, showValue, time, warn } from '../output.js';
import { untilSignal } from '../signals.js';

export const watch: Command = {
  name: 'watch',
  summary: 'subscribe like a service and print each change as it applies',
  synopsis: 'hotconf watch [--service NAME]',
  description: `Loads the config like a service instance would, then prints each change as it is applied,
until SIGINT or SIGTERM. With --json each change is a line {"event":"change",key,oldValue,newValue,
id,effectiveAt}; newValue is absent when the key was deleted, id is null after a snapshot reload.`,
  options: `  --service NAME    the service name in the NSQ channel (default hotconf-watch)
  --nsqd-http LIST  nsqd HTTP addresses in the order of --nsqd, where the channel is deleted on exit
                    (env HOTCONF_NSQD_HTTP; default each nsqd's TCP port + 1)`,
  async run(argv) {
    const { values } = parseCommand(argv, {
      service: { type: 'string' },
      'nsqd-http': { type: 'string' },
    } as const);
    const { redisUrl, nsqd, topic, prefix } = connectionSettings(values);
    const service = values.service ?? 'hotconf-watch';
    const nsqdHttp = (values['nsqd-http'] ?? process.env.HOTCONF_NSQD_HTTP)?.split(',');
    const { createConfigSubscriber } = await loadLibrary();
    const subscriber = fromFlags(() =>
      createConfigSubscriber({
        redis: redisUrl,
        nsqd,
        topic,
        prefix,
        service,
        ...(nsqdHttp === undefined ? {} : { nsqdHttp }),
      }),
    );
    subscriber.on('change', (change) =>
      print(values.json, { event: 'change', ...change }, () => {
        const { key, newValue, oldValue, id, effectiveAt } = change;
        return `${time(effectiveAt)}  ${key}: ${showValue(oldValue)} -> ${showValue(newValue)}  (id ${id})`;
      }),
    );
    subscriber.on('stale', ({ lastRefreshedAt }) =>
      warn(
        new Error(`config not confirmed by Redis since ${lastRefreshedAt ? time(lastRefreshedAt) : 'start'}`),
      ),
    );
    subscriber.on('error', warn);
    const signalled = untilSignal();
    try {
      const ready = await Promise.race([subscriber.ready(), signalled.then(() => undefined)]);
      if (ready) {
        print(
          values.json,
          { event: 'ready', ...ready },
          () => `watching ${topic}: revision ${ready.revision} from ${ready.source}`,
        );
      }
      await signalled;
    } finally {
      await subscriber.close();
    }
  },
};
