import { connectionSettings, parseCommand } from '../args.js';
import type { Command } from '../command.js';
import { withScheduler } from '../connect.js';
import { print, time } from '../output.js';

export const fleet: Command = {
  name: 'fleet',
  summary: 'list the subscriber instances reporting, with revision, lag and staleness',
  synopsis: 'hotconf fleet [--service S]...',
  description: `Lists the subscriber instances that reported within their last 3 report intervals, by
service: host, pid, hotconf version, the snapshot revision each holds and how far behind the
snapshot it is, whether it is stale, the last change set it applied and when it last reported.`,
  options: '  --service S       only instances of service S (repeatable)',
  async run(argv) {
    const { values } = parseCommand(argv, { service: { type: 'string', multiple: true } } as const);
    const services = values.service;
    const instances = await withScheduler(connectionSettings(values), (scheduler) =>
      scheduler.fleet(services === undefined ? {} : { services }),
    );
    print(values.json, instances, () =>
      instances.length === 0
        ? 'no instances reporting'
        : instances
            .map((instance) =>
              [
                `${instance.service}/${instance.instanceId}`,
                `${instance.host} pid ${instance.pid}`,
                `v${instance.version}`,
                `revision ${instance.revision} (${instance.lagRevisions} behind)`,
                instance.stale ? 'STALE' : 'fresh',
                `last change ${instance.lastChangeId ?? '-'}`,
                `seen ${time(instance.lastSeenAt)}`,
              ].join('  '),
            )
            .join('\n'),
    );
  },
};
