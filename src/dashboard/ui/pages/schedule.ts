/// <reference lib="dom" />
import { api } from '../api.js';
import type { Page } from '../context.js';
import { h, show } from '../dom.js';
import { parseWhen } from '../when.js';

interface Scheduled {
  id: string;
  seq: number;
  effectiveAt: number;
}

/** A value as JSON when it parses (5, true, {"a":1}), else the text itself — as the CLI reads KEY=VALUE. */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const schedulePage: Page = {
  title: 'Schedule',
  mount(context) {
    const { root, session } = context;
    if (session.readOnly) {
      show(
        root,
        h('h1', {}, 'Schedule a change'),
        h('p', { class: 'muted' }, 'This dashboard is read-only.'),
      );
      return async () => {};
    }
    const rows = h('div');
    const addRow = (): void => {
      const row = h(
        'div',
        { class: 'row change' },
        h('input', { name: 'key', placeholder: 'key', 'aria-label': 'key' }),
        h('input', { name: 'value', placeholder: 'value (JSON or text)', 'aria-label': 'value', size: 40 }),
        h('label', {}, h('input', { type: 'checkbox', name: 'deleted' }), ' delete'),
      );
      rows.append(row);
    };
    addRow();
    const when = h('input', { name: 'when', placeholder: 'now, 10m, 2h or 2026-12-01T00:00:00Z', size: 34 });
    const id = h('input', { name: 'id', placeholder: 'optional stable id' });
    const reason = h('input', { name: 'reason', placeholder: 'why (kept in history)', size: 40 });
    const result = h('div');

    const submit = async (event: Event): Promise<void> => {
      event.preventDefault();
      const changes = Array.from(rows.querySelectorAll<HTMLElement>('.change'))
        .map((row) => {
          const field = (name: string) => row.querySelector<HTMLInputElement>(`[name=${name}]`)!;
          const key = field('key').value;
          if (key === '') return undefined;
          return field('deleted').checked
            ? { key, deleted: true }
            : { key, value: parseValue(field('value').value) };
        })
        .filter((change) => change !== undefined);
      try {
        const scheduled = await api<Scheduled>('schedule', {
          changes,
          ...parseWhen(when.value),
          id: id.value,
          reason: reason.value,
        });
        context.notify(`scheduled ${scheduled.id} for ${new Date(scheduled.effectiveAt).toISOString()}`);
        show(
          result,
          h(
            'p',
            {},
            'Scheduled ',
            h('a', { href: `#change/${encodeURIComponent(scheduled.id)}` }, scheduled.id),
            '.',
          ),
        );
      } catch (error) {
        context.report(error);
      }
    };

    show(
      root,
      h('h1', {}, 'Schedule a change'),
      h(
        'form',
        { onsubmit: (event) => void submit(event) },
        rows,
        h('div', { class: 'row' }, h('button', { type: 'button', onclick: addRow }, 'Add a key')),
        h('div', { class: 'row' }, h('label', {}, 'When ', when)),
        h('div', { class: 'row' }, h('label', {}, 'Id ', id)),
        session.features.history ? h('div', { class: 'row' }, h('label', {}, 'Reason ', reason)) : null,
        h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Schedule')),
      ),
      result,
    );
    return async () => {};
  },
};
