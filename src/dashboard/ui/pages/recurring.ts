/// <reference lib="dom" />
import { api } from '../api.js';
import type { Page } from '../context.js';
import { h, show, showValue, table, time } from '../dom.js';

interface RecurringChange {
  id: string;
  cron: string;
  timezone: string;
  changes: { key: string; value?: unknown; deleted?: boolean }[];
  nextRunAt: number | null;
  durationMs?: number;
  actor?: string;
  reason?: string;
}

export const recurringPage: Page = {
  title: 'Recurring',
  mount(context) {
    const { root, session } = context;
    if (!session.features.recurring) {
      show(
        root,
        h('h1', {}, 'Recurring changes'),
        h(
          'p',
          { class: 'muted' },
          'Recurring changes need history, which is off: the schedulers run with historyLimit 0.',
        ),
      );
      return async () => {};
    }
    const list = h('div');
    show(root, h('h1', {}, 'Recurring changes'), list);
    const cancel = (id: string) => async () => {
      try {
        await api('recurring/cancel', { id });
        context.notify(`cancelled recurring ${id}`);
      } catch (error) {
        context.report(error);
      }
      context.refresh();
    };
    return async () => {
      const definitions = await api<RecurringChange[]>('recurring');
      const rows = definitions.map((each) => [
        each.id,
        h('code', {}, each.cron),
        each.timezone,
        h(
          'span',
          { class: 'value' },
          each.changes.map((change) => `${change.key} = ${showValue(change)}`).join('\n'),
        ),
        each.durationMs === undefined ? '–' : `${each.durationMs / 1_000} s`,
        time(each.nextRunAt),
        [each.actor, each.reason].filter(Boolean).join(': '),
        session.readOnly ? '' : h('button', { class: 'danger', onclick: cancel(each.id) }, 'Cancel'),
      ]);
      show(
        list,
        table(
          ['Id', 'Cron', 'Time zone', 'Changes', 'Lasts', 'Next (UTC)', 'Who / why', ''],
          rows,
          'No recurring changes.',
        ),
      );
    };
  },
};
