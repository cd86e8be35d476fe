import { join } from 'node:path';
import { createDashboard } from 'hotconf/dashboard';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScheduler, type Scheduler } from 'hotconf';
import { useSubscriberProcesses } from '../fleet/processes.js';
import { useServices } from '../helpers/fixtures.js';
import { uniquePrefix } from '../helpers/redis.js';
import { ARTIFACTS, useBrowser } from './browser.js';
import { serve } from './servers.js';

const services = useServices({ nsqd: true });
const startSubscriber = useSubscriberProcesses(services);
const browser = useBrowser();
const TOKEN = 'a-token-long-enough-for-the-dashboard';
const XSS = '<img src=x onerror=alert(1)>';
const prefix = uniquePrefix('dashboard-ui');
const topic = `${prefix}.changes`;

let scheduler: Scheduler;
const closers: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(closers.map((each) => each.close()));
  await scheduler?.stop();
});

async function dashboardAt(auth: { token: string } | { readOnly: true }): Promise<string> {
  const handler = createDashboard({ redis: services.redis.url, prefix, topic, auth, basePath: '/hotconf' });
  closers.push(handler);
  return `${await serve(handler)}/hotconf/`;
}

function screenshot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true });
}

/** POSTs a cancel from the page's own script, as the page would; resolves with the HTTP status. */
function cancelFromPage(page: Page, id: string, credentials: 'omit' | 'same-origin'): Promise<number> {
  return page.evaluate(
    async ([id, credentials]) => {
      const response = await fetch('api/pending/cancel', {
        method: 'POST',
        credentials,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id }),
      });
      return response.status;
    },
    [id, credentials] as const,
  );
}

/** The ids in the pending table, as the page shows them. */
function pendingIds(page: Page): Promise<string[]> {
  return page.locator('main tbody tr td:nth-child(2)').allTextContents();
}

describe('dashboard in headless Chromium', () => {
  beforeAll(async () => {
    scheduler = createScheduler({ redis: services.redis.url, nsqd: services.nsqd.tcpAddress, topic, prefix });
    await scheduler.start();
  });

  it('logs in, cancels a pending change, schedules one through the form and sees every instance apply it', async () => {
    const instances = [
      ['api', 'api-1'],
      ['api', 'api-2'],
      ['worker', 'worker-1'],
    ] as const;
    await Promise.all(
      instances.map(([service, instanceId]) =>
        startSubscriber({ prefix, topic }, service, instanceId, { reportIntervalMs: 300, reconcileMs: 300 }),
      ),
    );
    await scheduler.schedule({ key: 'limit', value: 10 }, { id: 'keep-me', delayMs: 3_600_000 });
    await scheduler.schedule({ key: 'limit', value: 20 }, { id: 'cancel-me', delayMs: 7_200_000 });

    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(await dashboardAt({ token: TOKEN }));
    await page.locator('input[name=token]').fill(TOKEN);
    await screenshot(page, 'login');
    await page.getByRole('button', { name: 'Log in' }).click();

    // Pending: both changes; cancel one.
    await expect.poll(() => pendingIds(page), { timeout: 5_000 }).toEqual(['keep-me', 'cancel-me']);
    await screenshot(page, 'pending');
    await page
      .getByRole('row', { name: /cancel-me/ })
      .getByRole('button', { name: 'Cancel' })
      .click();
    await expect.poll(() => pendingIds(page), { timeout: 5_000 }).toEqual(['keep-me']);
    expect((await scheduler.pending()).map((change) => change.id)).toEqual(['keep-me']);

    // Schedule a change set through the form: a value and a delete, due now.
    await page.getByRole('link', { name: 'Schedule' }).click();
    await page.locator('.change input[name=key]').first().fill('switch');
    await page.locator('.change input[name=value]').first().fill('on');
    await page.getByRole('button', { name: 'Add a key' }).click();
    await page.locator('.change input[name=key]').nth(1).fill('legacy');
    await page.locator('.change input[name=deleted]').nth(1).check();
    await page.locator('input[name=reason]').fill('turn it on');
    await screenshot(page, 'schedule');
    await page.getByRole('button', { name: 'Schedule', exact: true }).click();
    const link = page.locator('main a[href^="#change/"]');
    await link.waitFor({ timeout: 5_000 });
    const id = (await link.textContent())!;
    expect((await scheduler.waitForApplied(id, { timeoutMs: 10_000 })).missing).toEqual([]);
    expect((await scheduler.current()).values).toMatchObject({ switch: 'on' });
    expect((await scheduler.history({ id })).at(-1)).toMatchObject({
      event: 'scheduled',
      actor: 'dashboard',
      reason: 'turn it on',
      changes: [
        { key: 'switch', value: 'on' },
        { key: 'legacy', deleted: true },
      ],
    });

    // The fleet page shows every instance at the snapshot's revision.
    const { revision } = await scheduler.current();
    await page.getByRole('link', { name: 'Fleet' }).click();
    const revisions = () =>
      page.locator('main [data-revision]').evaluateAll((cells) => cells.map((cell) => cell.textContent));
    await expect
      .poll(revisions, { timeout: 10_000 })
      .toEqual([String(revision), String(revision), String(revision)]);
    expect(await page.locator('main h2').allTextContents()).toEqual(['api', 'worker']);
    await screenshot(page, 'fleet');

    // Per change: which instances applied it, and when.
    await page.locator(`main a[href="#change/${id}"]`).first().click();
    await expect
      .poll(() => page.locator('main h2').first().textContent(), { timeout: 5_000 })
      .toBe('Applied by 3');
    expect(await page.locator('main tbody').first().locator('tr').count()).toBe(3);
    await screenshot(page, 'change');

    // A value that is HTML shows as its text, and runs nothing.
    const evil = await scheduler.schedule({ key: 'banner', value: XSS });
    await scheduler.waitForApplied(evil.id, { timeoutMs: 10_000 });
    await page.getByRole('link', { name: 'Config' }).click();
    await page.locator('input[name=search]').fill('banner');
    const cell = page.locator('main td span.value');
    await expect.poll(() => cell.textContent(), { timeout: 5_000 }).toBe(JSON.stringify(XSS));
    expect(await page.locator('main img').count()).toBe(0);
    await screenshot(page, 'config');
    expect(dialogs).toEqual([]);

    // History and recurring pages, as far as this version has them.
    for (const name of ['History', 'Recurring']) {
      await page.getByRole('link', { name }).click();
      await page.locator('main h1').waitFor();
      await screenshot(page, name.toLowerCase());
    }

    // The same API call without the token (no cookie sent): 401, nothing changes.
    const before = await scheduler.pending();
    const status = await cancelFromPage(page, 'keep-me', 'omit');
    expect(status).toBe(401);
    expect(await scheduler.pending()).toEqual(before);
  }, 60_000);

  it('read-only: shows the pages and offers no mutation; a mutation sent anyway gets 403', async () => {
    await scheduler.schedule({ key: 'ro', value: 1 }, { id: 'read-only-pending', delayMs: 3_600_000 });
    const page = await browser.newPage();
    await page.goto(await dashboardAt({ readOnly: true }));
    await expect.poll(() => pendingIds(page), { timeout: 5_000 }).toContain('read-only-pending');
    expect(await page.locator('#mode').textContent()).toBe('read-only');
    expect(await page.locator('main button').count()).toBe(0);
    await screenshot(page, 'read-only');
    await page.getByRole('link', { name: 'Schedule' }).click();
    await expect.poll(() => page.locator('main').textContent()).toContain('This dashboard is read-only.');
    expect(await page.locator('main form, main button, main input').count()).toBe(0);
    const before = await scheduler.pending();
    const status = await cancelFromPage(page, 'read-only-pending', 'same-origin');
    expect(status).toBe(403);
    expect(await scheduler.pending()).toEqual(before);
  }, 30_000);
});
