/// <reference lib="dom" />
import { api } from '../api.js';
import type { Page } from '../context.js';
import { h, show, table } from '../dom.js';

interface CurrentConfig {
  revision: number;
  values: Record<string, unknown>;
}

export const configPage: Page = {
  title: 'Config',
  mount(context) {
    const search = h('input', {
      type: 'search',
      name: 'search',
      placeholder: 'search keys and values',
      size: 40,
    });
    const list = h('div');
    let last: CurrentConfig | undefined;
    const draw = (): void => {
      if (!last) return;
      const needle = search.value.toLowerCase();
      const rows = Object.entries(last.values)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, value]) => [key, JSON.stringify(value)] as const)
        .filter(([key, json]) => needle === '' || `${key} ${json}`.toLowerCase().includes(needle))
        .map(([key, json]) => [h('code', {}, key), h('span', { class: 'value' }, json)]);
      show(
        list,
        h('p', { class: 'muted' }, `Revision ${last.revision}`),
        table(['Key', 'Value'], rows, 'No keys.'),
      );
    };
    search.addEventListener('input', draw);
    show(context.root, h('h1', {}, 'Current config'), search, list);
    return async () => {
      last = await api<CurrentConfig>('config');
      draw();
    };
  },
};
