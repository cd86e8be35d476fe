/// <reference lib="dom" />
import { api, ApiError } from './api.js';
import type { Page, PageContext, Session } from './context.js';
import { h } from './dom.js';
import { changePage } from './pages/change.js';
import { configPage } from './pages/config.js';
import { fleetPage } from './pages/fleet.js';
import { historyPage } from './pages/history.js';
import { showLogin } from './pages/login.js';
import { pendingPage } from './pages/pending.js';
import { recurringPage } from './pages/recurring.js';
import { schedulePage } from './pages/schedule.js';

const REFRESH_MS = 2_000;

const PAGES: Record<string, Page> = {
  pending: pendingPage,
  schedule: schedulePage,
  config: configPage,
  history: historyPage,
  recurring: recurringPage,
  fleet: fleetPage,
  change: changePage,
};
const NAVIGATION = ['pending', 'schedule', 'config', 'history', 'recurring', 'fleet'];

const root = document.getElementById('page')!;
const message = document.getElementById('message')!;
let session: Session;
let update: (() => Promise<void>) | undefined;
let timer: number | undefined;

function say(text: string, kind: 'error' | 'info'): void {
  message.textContent = text;
  message.className = kind === 'info' ? 'info' : '';
  message.hidden = false;
}

function report(error: unknown): void {
  if (error instanceof ApiError && error.code === 'E_UNAUTHORIZED' && !session.readOnly) {
    session.authenticated = false;
  }
  say(error instanceof ApiError ? `${error.code}: ${error.message}` : String(error), 'error');
}

async function refresh(): Promise<void> {
  window.clearTimeout(timer);
  try {
    await update?.();
  } catch (error) {
    report(error);
  }
  timer = window.setTimeout(() => void refresh(), REFRESH_MS);
}

function route(): void {
  const [name = 'pending', ...rest] = location.hash.slice(1).split('/');
  const page = PAGES[name] ?? pendingPage;
  document
    .getElementById('nav')!
    .replaceChildren(
      ...NAVIGATION.map((each) =>
        h('a', { href: `#${each}`, class: each === name ? 'active' : undefined }, PAGES[each]!.title),
      ),
    );
  if (!session.authenticated) {
    update = undefined;
    showLogin(root, report, () => void start());
    return;
  }
  let argument: string;
  try {
    argument = decodeURIComponent(rest.join('/'));
  } catch {
    // A hand-edited link such as #change/%E0: say so instead of leaving a blank page.
    update = undefined;
    root.replaceChildren();
    say(`malformed link: ${location.hash}`, 'error');
    return;
  }
  const context: PageContext = {
    root,
    session,
    argument,
    report,
    notify: (text) => say(text, 'info'),
    refresh: () => void refresh(),
  };
  update = page.mount(context);
  void refresh();
}

async function start(): Promise<void> {
  try {
    session = await api<Session>('session');
  } catch (error) {
    report(error);
    return;
  }
  message.hidden = true;
  document.getElementById('mode')!.textContent = session.readOnly ? 'read-only' : '';
  route();
}

window.addEventListener('hashchange', () => {
  message.hidden = true;
  route();
});
void start();
