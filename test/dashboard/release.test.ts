import { join } from 'node:path';
import { createDashboard } from 'hotconf/dashboard';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createScheduler, type Scheduler } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { uniquePrefix } from '../helpers/redis.js';
import { ARTIFACTS, useBrowser } from './browser.js';
import { serve } from './servers.js';

const services = useServices({ nsqd: true });
const browser = useBrowser();
const TOKEN = 'a-token-long-enough-for-the-dashboard';
const prefix = uniquePrefix('dashboard-release');
const topic = `${prefix}.changes`;

let scheduler: Scheduler;
const closers: { close(): Promise<void> }[] = [];
beforeAll(async () => {
  scheduler = createScheduler({ redis: services.redis.url, nsqd: services.nsqd.tcpAddress, topic, prefix });
  await scheduler.start();
});
afterAll(async () => {
  await Promise.all(closers.map((each) => each.close()));
  await scheduler?.stop();
});

/** Resolves once the snapshot holds `value` for `key`, with the revision it is at. */
async function inEffect(key: string, value: unknown): Promise<number> {
  await expect.poll(async () => (await scheduler.current()).values[key], { timeout: 10_000 }).toEqual(value);
  return (await scheduler.current()).revision;
}

it('shows history with a per-revision diff and rolls back from the history page', async () => {
  await scheduler.schedule({ key: 'limit', value: 1 }, { actor: 'alice', reason: 'first' });
  const first = await inEffect('limit', 1);
  await scheduler.schedule({ key: 'limit', value: 2 }, { actor: 'bob', reason: 'raise' });
  const second = await inEffect('limit', 2);

  const handler = createDashboard({ redis: services.redis.url, prefix, topic, auth: { token: TOKEN } });
  closers.push(handler);
  const page = await browser.newPage();
  await page.setExtraHTTPHeaders({ authorization: `Bearer ${TOKEN}` });
  const confirmations: string[] = [];
  page.on('dialog', (dialog) => {
    confirmations.push(dialog.message());
    void dialog.accept();
  });
  await page.goto(`${await serve(handler)}/#history`);
  const row = (revision: number) =>
    page
      .locator('main tbody tr')
      .filter({ has: page.locator(`td:nth-child(4)`, { hasText: new RegExp(`^${revision}$`) }) });
  await row(second).first().waitFor({ timeout: 5_000 });
  expect(await row(second).first().textContent()).toContain('bob: raise');

  await row(second).first().getByRole('button', { name: 'Diff' }).click();
  await expect
    .poll(() => page.locator('main h2').last().textContent(), { timeout: 5_000 })
    .toBe(`Revision ${second - 1} → ${second}`);
  expect(await page.locator('main table').last().locator('tbody tr').first().textContent()).toBe('limit12');

  await row(first).first().getByRole('button', { name: 'Roll back to here' }).click();
  expect(confirmations).toEqual([`Schedule a rollback to revision ${first} now?`]);
  await inEffect('limit', 1);
  await expect
    .poll(() => page.locator('#message').textContent(), { timeout: 5_000 })
    .toMatch(new RegExp(`^rollback to revision ${first} scheduled as `));
  // History says the dashboard did it.
  const rollbackId = /scheduled as (\S+)$/.exec((await page.locator('#message').textContent())!)![1]!;
  expect(await scheduler.history({ id: rollbackId })).toMatchObject([
    { event: 'applied', actor: 'dashboard' },
    { event: 'scheduled', actor: 'dashboard' },
  ]);
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-history-rollback.png'), fullPage: true });
}, 60_000);
