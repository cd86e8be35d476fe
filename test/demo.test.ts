import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

// `npm run demo` is the README's first command: it must keep working end to end (its scheduler and four
// service instances are processes of their own, on a private redis-server and nsqd).
it('runs the demo: every instance applies every change, and it exits 0', async () => {
  const tsx = `${root}node_modules/tsx/dist/cli.mjs`;
  const { stdout } = await promisify(execFile)(process.execPath, [tsx, 'demo/run.ts'], {
    cwd: root,
    timeout: 60_000,
  });
  expect(stdout).toContain('every instance applied every change');
  // 4 change sets × 4 instances, each line with its lag.
  expect(stdout.match(/lag +\d+ ms/g)).toHaveLength(16);
  expect(stdout).toMatch(/config now \(revision \d+\): \{"switch":"off","limit":100,"mode":"fast"\}/);
}, 90_000);
