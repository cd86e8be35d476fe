import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

/** Debian's chromium (scripts/ensure-browser.sh); flags that need no network and no GPU. */
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;

/** A headless Chromium with a fresh profile for the file's tests; `newPage()` after beforeAll. */
export function useBrowser(): { newPage(): Promise<Page> } {
  let context: BrowserContext | undefined;
  let profile = '';
  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    profile = await mkdtemp(join(tmpdir(), 'hotconf-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1280, height: 800 },
    });
  });
  afterAll(async () => {
    await context?.close();
    await rm(profile, { recursive: true, force: true });
  });
  return {
    async newPage() {
      const page = await context!.newPage();
      // Nothing may load from outside: fail any request that is not to the loopback test servers.
      await page.route(/^(?!http:\/\/127\.0\.0\.1:)/, (route) => route.abort());
      return page;
    },
  };
}
