/// <reference lib="dom" />
import { api } from '../api.js';
import type { Page } from '../context.js';
import { h, show, table, time } from '../dom.js';
// Types only: erased from the browser bundle, so the page and the API it reads cannot drift apart.
import type { FleetInstance as Instance } from '../../../fleet/types.js';

export const fleetPage: Page = {
  title: 'Fleet',
  mount(context) {
    const list = h('div');
    show(context.root, h('h1', {}, 'Fleet'), list);
    return async () => {
      const instances = await api<Instance[]>('fleet');
      const services = [...new Set(instances.map((instance) => instance.service))];
      show(
        list,
        instances.length === 0 ? h('p', { class: 'muted' }, 'No instances reporting.') : null,
        services.flatMap((service) => [
          h('h2', {}, service),
          table(
            ['Instance', 'Host / pid', 'Version', 'Revision', 'Behind', 'State', 'Last change', 'Last seen'],
            instances
              .filter((instance) => instance.service === service)
              .map((instance) => [
                instance.instanceId,
                `${instance.host} / ${instance.pid}`,
                instance.version,
                h('span', { 'data-revision': instance.revision }, String(instance.revision)),
                String(instance.lagRevisions),
                instance.stale
                  ? h('span', { class: 'stale' }, 'stale')
                  : h('span', { class: 'fresh' }, 'fresh'),
                instance.lastChangeId === null
                  ? '–'
                  : h(
                      'span',
                      {},
                      h(
                        'a',
                        { href: `#change/${encodeURIComponent(instance.lastChangeId)}` },
                        instance.lastChangeId,
                      ),
                      ` at ${time(instance.lastAppliedAt)}`,
                    ),
                time(instance.lastSeenAt),
              ]),
            '',
          ),
        ]),
      );
    };
  },
};
