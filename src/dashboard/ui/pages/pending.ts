/// <reference lib="dom" />
import { api } from '../api.js';
import type { Page } from '../context.js';
import { h, show, showValue, table, time } from '../dom.js';
import { parseWhen } from '../when.js';

interface PendingChange {
  id: string;
  seq: number;
  effectiveAt: number;
  changes: { key: string; value?: unknown; deleted?: boolean }[];
}

export const pendingPage: Page = {
  title: 'Pending',
  mount(context) {
    const { root, session } = context;
    const list = h('div');
    show(root, h('h1', {}, 'Pending changes'), list);

    const act = (action: () => Promise<unknown>, done: string) => async () => {
      try {
        await action();
        context.notify(done);
      } catch (error) {
        context.report(error);
      }
      context.refresh();
    };
    const cancel = (id: string) => act(() => api('pending/cancel', { id }), `cancelled ${id}`);
    const reschedule = (id: string) => async () => {
      const answer = window.prompt(`New time for ${id}: a date-time (2026-12-01T00:00:00Z) or a delay (10m)`);
      if (answer !== null)
        await act(() => api('pending/reschedule', { id, ...parseWhen(answer) }), `rescheduled ${id}`)();
    };

    return async () => {
      const changes = await api<PendingChange[]>('pending?limit=200');
      const rows = changes.map((change) => [
        time(change.effectiveAt),
        h('a', { href: `#change/${encodeURIComponent(change.id)}` }, change.id),
        String(change.seq),
        h(
          'span',
          { class: 'value' },
          change.changes.map((each) => `${each.key} = ${showValue(each)}`).join('\n'),
        ),
        session.readOnly
          ? ''
          : h(
              'span',
              {},
              h('button', { class: 'danger', 'data-action': 'cancel', onclick: cancel(change.id) }, 'Cancel'),
              ' ',
              h('button', { 'data-action': 'reschedule', onclick: reschedule(change.id) }, 'Reschedule…'),
            ),
      ]);
      show(list, table(['Effective at (UTC)', 'Id', 'Seq', 'Changes', ''], rows, 'No pending changes.'));
    };
  },
};
