/// <reference lib="dom" />
import { api } from '../api.js';
import type { Page } from '../context.js';
import { h, show, table, time } from '../dom.js';

interface AppliedReport {
  id: string;
  effectiveAt: number | null;
  instances: { service: string; instanceId: string; appliedAt: number; lagMs: number | null }[];
  missing: {
    service: string;
    instanceId: string;
    host: string;
    pid: number;
    lastSeenAt: number;
    reporting: boolean;
  }[];
}

export const changePage: Page = {
  title: 'Change',
  mount(context) {
    const id = context.argument;
    const body = h('div');
    show(context.root, h('h1', {}, 'Change ', h('code', {}, id)), body);
    return async () => {
      const report = await api<AppliedReport>(`changes/${encodeURIComponent(id)}`);
      show(
        body,
        h('p', {}, `Effective at ${time(report.effectiveAt)} (UTC)`),
        h('h2', {}, `Applied by ${report.instances.length}`),
        table(
          ['Service', 'Instance', 'Applied at', 'Lag'],
          report.instances.map((each) => [
            each.service,
            each.instanceId,
            time(each.appliedAt),
            each.lagMs === null ? '–' : `${each.lagMs} ms`,
          ]),
          'No instance has reported it yet.',
        ),
        h('h2', {}, `Not yet applied by ${report.missing.length}`),
        table(
          ['Service', 'Instance', 'Host / pid', 'Last seen', 'Reporting'],
          report.missing.map((each) => [
            h('span', { class: 'missing' }, each.service),
            h('span', { class: 'missing' }, each.instanceId),
            `${each.host} / ${each.pid}`,
            time(each.lastSeenAt),
            each.reporting ? 'yes' : 'stopped',
          ]),
          'None.',
        ),
      );
    };
  },
};
