import { describe, expect, it } from 'vitest';
import { usePasswordProtectedRedis } from '../helpers/redis.js';
import { runCli, startCli } from './run-cli.js';

const SECRET = 'supersecret';

// A password given to the CLI, in --redis or in HOTCONF_REDIS_URL, never appears in what it prints:
// errors, warnings, --json output.
describe('the CLI never prints a Redis password', () => {
  const passworded = usePasswordProtectedRedis('the-right-one');

  for (const json of [[], ['--json']]) {
    it(`stats ${json.join('')} on an unreachable Redis: the URL in the error has its password masked`, async () => {
      const result = await runCli(['stats', ...json, '--redis', `redis://:${SECRET}@127.0.0.1:1`]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('redis://:***@127.0.0.1:1');
      expect(result.stdout + result.stderr).not.toContain(SECRET);
    });
  }

  it('a password from HOTCONF_REDIS_URL is masked too', async () => {
    const result = await runCli(['stats', '--json'], {
      HOTCONF_REDIS_URL: `redis://admin:${SECRET}@127.0.0.1:1`,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('redis://admin:***@127.0.0.1:1');
    expect(result.stdout + result.stderr).not.toContain(SECRET);
  });

  it('a --redis URL refused as malformed is quoted without its password', async () => {
    const result = await runCli(['stats', '--redis', `redis://:${SECRET}@127.0.0.1:99999999`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('redis://:***@127.0.0.1:99999999');
    expect(result.stdout + result.stderr).not.toContain(SECRET);
  });

  it('a wrong password: stats fails and watch warns, neither prints it', async () => {
    const url = `redis://:${SECRET}@${passworded.server.host}:${passworded.server.port}`;
    const stats = await runCli(['stats', '--json', '--redis', url]);
    expect(stats.code).toBe(1);
    expect(stats.stderr).toMatch(/WRONGPASS/);
    expect(stats.stdout + stats.stderr).not.toContain(SECRET);

    const watch = startCli(['watch', '--json', '--redis', url, '--nsqd', '127.0.0.1:1']);
    await expect.poll(() => watch.stderr(), { timeout: 10_000 }).toMatch(/WRONGPASS/);
    await watch.stop('SIGTERM');
    expect(watch.lines.join('\n') + watch.stderr()).not.toContain(SECRET);
  });
});
