/// <reference lib="dom" />
import { api } from '../api.js';
import type { Page } from '../context.js';
import { h, show, showValue, table, time } from '../dom.js';
import type { HistoryEntry } from './history.js';
import type { AppliedReport } from '../../../fleet/types.js';

export const changePage: Page = {
  title: 'Change',
  mount(context) {
    const id = context.argument;
    const body = h('div');
    show(context.root, h('h1', {}, 'Change ', h('code', {}, id)), body);
    const lifeOf = async (): Promise<HistoryEntry[]> =>
      context.session.features.history ? api<HistoryEntry[]>(`history?id=${encodeURIComponent(id)}`) : [];
    return async () => {
      const [report, life] = await Promise.all([
        api<AppliedReport>(`changes/${encodeURIComponent(id)}`),
        lifeOf(),
      ]);
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
        context.session.features.history
          ? [
              h('h2', {}, 'History'),
              table(
                ['At (UTC)', 'Event', 'Revision', 'Changes', 'Who / why'],
                life.map((entry) => [
                  time(entry.at),
                  entry.why ? `${entry.event} (${entry.why})` : entry.event,
                  entry.revision === undefined ? '–' : String(entry.revision),
                  h(
                    'span',
                    { class: 'value' },
                    (entry.changes ?? []).map((each) => `${each.key} = ${showValue(each)}`).join('\n'),
                  ),
                  [entry.actor, entry.reason].filter(Boolean).join(': '),
                ]),
                'No history.',
              ),
            ]
          : null,
      );
    };
  },
};
