import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useServices } from '../helpers/fixtures.js';
import { uniquePrefix } from '../helpers/redis.js';

const run = promisify(execFile);
const fixture = (name: string): string => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));
const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  name: string;
  exports: Record<string, { import?: unknown; require?: unknown }>;
};

// The built package loaded by its name from a child node process (package self-reference resolves
// 'hotconf' through package.json "exports", as an installed package would), in each module format.
describe('the built package in both module formats', () => {
  const services = useServices({ nsqd: true });

  for (const [format, file] of [
    ['CommonJS (require)', 'end-to-end.cjs'],
    ['ES module (import)', 'end-to-end.mjs'],
  ] as const) {
    it(`${format}: schedule → publish → a subscriber applies the change`, async () => {
      const { stdout } = await run(process.execPath, [fixture(file)], {
        timeout: 30_000,
        env: {
          ...process.env,
          REDIS_URL: services.redis.url,
          NSQD_TCP_ADDRESS: services.nsqd.tcpAddress,
          TOPIC: uniquePrefix('formats'),
          PREFIX: uniquePrefix('formats'),
        },
      });
      const result = JSON.parse(stdout) as Record<string, unknown>;
      expect(result).toEqual({
        id: expect.any(String),
        publishedId: result.id,
        changeId: result.id,
        value: 'on',
      });
    });
  }

  // Iterates over "exports" so that a subpath added later (hotconf/metrics, …) is checked too.
  for (const [subpath, conditions] of Object.entries(packageJson.exports)) {
    const specifier = packageJson.name + subpath.slice(1);
    it(`"${specifier}" resolves and loads with require and with import`, async () => {
      expect(Object.keys(conditions)).toEqual(expect.arrayContaining(['import', 'require']));
      const script = `
        const required = Object.keys(require(${JSON.stringify(specifier)})).sort();
        import(${JSON.stringify(specifier)}).then((imported) => {
          const names = Object.keys(imported).filter((name) => name !== 'default' && name !== 'module.exports').sort();
          process.stdout.write(JSON.stringify({ required, imported: names }));
        });`;
      const { stdout } = await run(process.execPath, ['-e', script], { cwd: fixture('.') });
      const { required, imported } = JSON.parse(stdout) as { required: string[]; imported: string[] };
      expect(required.length).toBeGreaterThan(0);
      expect(required).toEqual(imported);
    });
  }
});
