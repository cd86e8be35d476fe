/// <reference lib="dom" />
import { api } from '../api.js';
import type { Page } from '../context.js';
import { h, show, showValue, table, time } from '../dom.js';

export interface HistoryEntry {
  event: string;
  why?: string;
  at: number;
  id: string;
  actor?: string;
  reason?: string;
  revision?: number;
  changes?: { key: string; value?: unknown; deleted?: boolean }[];
}

interface KeyDiff {
  key: string;
  from: { value?: unknown; deleted?: boolean };
  to: { value?: unknown; deleted?: boolean };
}

export const historyPage: Page = {
  title: 'History',
  mount(context) {
    const { root, session } = context;
    if (!session.features.history) {
      show(
        root,
        h('h1', {}, 'History'),
        h('p', { class: 'muted' }, 'History is off: the schedulers run with historyLimit 0.'),
      );
      return async () => {};
    }
    const key = h('input', { type: 'search', name: 'key', placeholder: 'only this key' });
    const list = h('div');
    const diff = h('div');
    const showDiff = (revision: number) => async () => {
      try {
        const keys = await api<KeyDiff[]>(`diff?from=${revision - 1}&to=${revision}`);
        show(
          diff,
          h('h2', {}, `Revision ${revision - 1} → ${revision}`),
          table(
            ['Key', 'From', 'To'],
            keys.map((each) => [each.key, showValue(each.from), showValue(each.to)]),
            'No differences.',
          ),
        );
      } catch (error) {
        context.report(error);
      }
    };
    const rollback = (revision: number) => async () => {
      if (!window.confirm(`Schedule a rollback to revision ${revision} now?`)) return;
      try {
        const scheduled = await api<{ id: string }>('rollback', { toRevision: revision });
        context.notify(`rollback to revision ${revision} scheduled as ${scheduled.id}`);
      } catch (error) {
        context.report(error);
      }
      context.refresh();
    };
    const update = async (): Promise<void> => {
      const query = key.value ? `&key=${encodeURIComponent(key.value)}` : '';
      const entries = await api<HistoryEntry[]>(`history?limit=200${query}`);
      // A revision is one claim, which may have applied several change sets: its actions go on its
      // newest row only, since they act on the whole revision.
      const actionRows = new Set<HistoryEntry>();
      const revisions = new Set<number>();
      for (const entry of entries) {
        if (entry.revision === undefined || revisions.has(entry.revision)) continue;
        revisions.add(entry.revision);
        actionRows.add(entry);
      }
      const rows = entries.map((entry) => [
        time(entry.at),
        entry.event,
        h('a', { href: `#change/${encodeURIComponent(entry.id)}` }, entry.id),
        entry.revision === undefined ? '–' : String(entry.revision),
        h(
          'span',
          { class: 'value' },
          (entry.changes ?? []).map((each) => `${each.key} = ${showValue(each)}`).join('\n'),
        ),
        [entry.actor, entry.reason].filter(Boolean).join(': '),
        !actionRows.has(entry) || entry.revision === undefined
          ? ''
          : h(
              'span',
              {},
              h('button', { onclick: showDiff(entry.revision) }, 'Diff'),
              session.readOnly ? '' : ' ',
              session.readOnly ? '' : h('button', { onclick: rollback(entry.revision) }, 'Roll back to here'),
            ),
      ]);
      show(
        list,
        table(['At (UTC)', 'Event', 'Id', 'Revision', 'Changes', 'Who / why', ''], rows, 'No history.'),
      );
    };
    key.addEventListener('change', () => void update().catch(context.report));
    show(root, h('h1', {}, 'History'), key, list, diff);
    return update;
  },
};
