/// <reference lib="dom" />
import { api } from '../api.js';
import type { Page } from '../context.js';
import { h, show, table } from '../dom.js';

interface RecurringChange {
  id: string;
  cron: string;
  timezone?: string;
  next?: number[];
}

export const recurringPage: Page = {
  title: 'Recurring',
  mount(context) {
    const { root, session } = context;
    if (!session.features.recurring) {
      show(
        root,
        h('h1', {}, 'Recurring changes'),
        h('p', { class: 'muted' }, 'Recurring changes are not available in this hotconf version.'),
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
        each.timezone ?? 'UTC',
        h('span', { class: 'value' }, JSON.stringify(each, null, 1)),
        session.readOnly ? '' : h('button', { class: 'danger', onclick: cancel(each.id) }, 'Cancel'),
      ]);
      show(list, table(['Id', 'Cron', 'Time zone', 'Definition', ''], rows, 'No recurring changes.'));
    };
  },
};
