/// <reference lib="dom" />
import { api } from '../api.js';
import { h, show } from '../dom.js';

/** The token form; `onLogin` runs once the server set the session cookie. */
export function showLogin(root: HTMLElement, report: (error: unknown) => void, onLogin: () => void): void {
  const token = h('input', { type: 'password', name: 'token', autocomplete: 'current-password', size: 40 });
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    try {
      await api('login', { token: token.value });
      onLogin();
    } catch (error) {
      report(error);
    }
  };
  show(
    root,
    h('h1', {}, 'Log in'),
    h(
      'form',
      { onsubmit: (event) => void submit(event) },
      h('div', { class: 'row' }, h('label', {}, 'Token ', token)),
      h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Log in')),
    ),
  );
}
