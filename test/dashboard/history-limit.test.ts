import { createDashboard } from 'hotconf/dashboard';
import { createScheduler } from 'hotconf';
import { afterAll, describe, expect, it } from 'vitest';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';
import { startCli } from '../cli/run-cli.js';
import { freePort, serve } from './servers.js';

const services = useServices();
const TOKEN = 'correct-horse-battery-staple';
const closers: { close(): Promise<void> }[] = [];
afterAll(() => Promise.all(closers.map((each) => each.close())));

/** A served dashboard on a prefix of its own, with the historyLimit given (none: the default). */
async function dashboardOn(historyLimit?: number) {
  const prefix = uniquePrefix('dashboard-history');
  const handler = createDashboard({
    redis: services.redis.url,
    prefix,
    auth: { token: TOKEN },
    ...(historyLimit === undefined ? {} : { historyLimit }),
  });
  closers.push(handler);
  const base = await serve(handler);
  const api = (path: string, body?: unknown) =>
    fetch(`${base}/api/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  // Read by a scheduler with history on, whatever the dashboard's limit.
  const history = () =>
    createScheduler({ redis: connectRedis(services.redis.url), topic: 'hotconf.changes', prefix }).history();
  return { api, history };
}

describe('dashboard historyLimit', () => {
  it('records a change scheduled with the default limit in history, as the dashboard', async () => {
    const { api, history } = await dashboardOn();
    const response = await api('schedule', { changes: [{ key: 'mode', value: 'fast' }], delayMs: 3_600_000 });
    expect(response.status).toBe(200);
    const { id } = (await response.json()) as { id: string };
    expect(await history()).toMatchObject([{ id, event: 'scheduled', actor: 'dashboard' }]);
    expect(await (await api('session')).json()).toMatchObject({
      features: { history: true, recurring: true },
    });
  });

  it('with historyLimit 0 schedules without writing history, and offers no history pages', async () => {
    const { api, history } = await dashboardOn(0);
    const response = await api('schedule', { changes: [{ key: 'mode', value: 'fast' }], delayMs: 3_600_000 });
    expect(response.status).toBe(200);
    const { id } = (await response.json()) as { id: string };
    expect(await (await api('pending')).json()).toMatchObject([{ id }]);
    expect(await history()).toEqual([]);
    expect(await (await api('session')).json()).toMatchObject({
      features: { history: false, recurring: false },
    });
  });

  it('refuses a historyLimit that is not a whole number when created', () => {
    for (const historyLimit of [-1, 1.5, Number.NaN]) {
      expect(() =>
        createDashboard({
          redis: services.redis.url,
          prefix: 'unused',
          auth: { readOnly: true },
          historyLimit,
        }),
      ).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    }
  });

  it('hotconf dashboard passes the history limit on (HOTCONF_HISTORY_LIMIT=0): no history written or offered', async () => {
    const prefix = uniquePrefix('cli-dashboard-history');
    const port = await freePort();
    const cli = startCli(
      ['dashboard', '--port', String(port), '--redis', services.redis.url, '--prefix', prefix],
      { HOTCONF_DASHBOARD_TOKEN: TOKEN, HOTCONF_HISTORY_LIMIT: '0' },
    );
    await cli.waitForLine((line) => line.startsWith('dashboard at '));
    const api = (path: string, body?: unknown) =>
      fetch(`http://127.0.0.1:${port}/api/${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    try {
      const response = await api('schedule', { changes: [{ key: 'a', value: 1 }], delayMs: 3_600_000 });
      expect(response.status).toBe(200);
      expect(await (await api('session')).json()).toMatchObject({ features: { history: false } });
      const admin = createScheduler({
        redis: connectRedis(services.redis.url),
        topic: 'hotconf.changes',
        prefix,
      });
      expect(await admin.pending()).toHaveLength(1);
      expect(await admin.history()).toEqual([]);
    } finally {
      expect(await cli.stop('SIGTERM')).toBe(0);
    }
  });
});
