import { describe, expect, it } from 'vitest';
import { createScheduler, type PendingChange, type ScheduledChange } from '../../src/index.js';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';
import { parseJson, runCli } from './run-cli.js';

const services = useServices();

/** Runs the CLI against this file's Redis, on a prefix of the test's own. */
function cli(prefix: string) {
  return (...args: string[]) => runCli([...args, '--redis', services.redis.url, '--prefix', prefix]);
}

function library(prefix: string) {
  return createScheduler({ redis: connectRedis(services.redis.url), topic: 'hotconf.changes', prefix });
}

describe('hotconf schedule, pending and current', () => {
  it('schedules KEY=VALUE pairs as one change set, values parsed as JSON or kept as text', async () => {
    const prefix = uniquePrefix('cli-schedule');
    const hotconf = cli(prefix);
    const scheduled = parseJson<ScheduledChange>(
      await hotconf(
        'schedule',
        'switch=on',
        'limit=5',
        'flags={"a":1}',
        'enabled=true',
        '--delete',
        'old',
        '--in',
        '1h',
        '--id',
        'release-1',
        '--json',
      ),
    );
    expect(scheduled).toMatchObject({ id: 'release-1', seq: expect.any(Number) });

    const pending = await library(prefix).pending();
    expect(pending).toEqual([
      {
        ...scheduled,
        changes: [
          { key: 'switch', value: 'on' },
          { key: 'limit', value: 5 },
          { key: 'flags', value: { a: 1 } },
          { key: 'enabled', value: true },
          { key: 'old', deleted: true },
        ],
      },
    ]);
    // About an hour from now by the Redis clock (the test machine's clock is the same one).
    expect(scheduled.effectiveAt - Date.now()).toBeGreaterThan(3_590_000);
    expect(scheduled.effectiveAt - Date.now()).toBeLessThanOrEqual(3_600_000);
    expect(parseJson<PendingChange[]>(await hotconf('pending', '--json'))).toEqual(pending);

    const text = await hotconf('pending');
    expect(text.stdout).toBe(
      `${new Date(scheduled.effectiveAt).toISOString()}  release-1  seq ${scheduled.seq}  ` +
        'switch="on" limit=5 flags={"a":1} enabled=true old deleted\n',
    );
  });

  it('schedules one KEY=VALUE at an ISO time as a single change', async () => {
    const prefix = uniquePrefix('cli-at');
    const result = await cli(prefix)('schedule', 'mode=dark', '--at', '2099-01-01T00:00:00+01:00');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const [change] = await library(prefix).pending();
    expect(change).toMatchObject({
      effectiveAt: Date.parse('2098-12-31T23:00:00Z'),
      changes: [{ key: 'mode', value: 'dark' }],
    });
    expect(result.stdout).toBe(`scheduled ${change!.id} (seq ${change!.seq}) for 2098-12-31T23:00:00.000Z\n`);
  });

  it('lists pending changes earliest first, at most --limit of them', async () => {
    const prefix = uniquePrefix('cli-limit');
    const hotconf = cli(prefix);
    const results = await Promise.all(
      ['3m', '1m', '2m'].map((delay) => hotconf('schedule', `later=${delay}`, '--in', delay)),
    );
    expect(results.map((result) => result.code)).toEqual([0, 0, 0]);
    const limited = parseJson<PendingChange[]>(await hotconf('pending', '--limit', '2', '--json'));
    expect(limited.map((change) => change.changes)).toEqual([
      [{ key: 'later', value: '1m' }],
      [{ key: 'later', value: '2m' }],
    ]);
    expect(await cli(uniquePrefix('cli-empty'))('pending')).toMatchObject({
      code: 0,
      stdout: 'no pending changes\n',
    });
  });

  it('prints the empty snapshot of a new prefix as revision 0', async () => {
    const hotconf = cli(uniquePrefix('cli-current'));
    expect(parseJson(await hotconf('current', '--json'))).toEqual({ revision: 0, values: {} });
    expect(await hotconf('current')).toMatchObject({ code: 0, stdout: 'revision 0\n' });
  });

  it('reads its connection settings from HOTCONF_* when no flag gives them', async () => {
    const prefix = uniquePrefix('cli-env');
    const env = { HOTCONF_REDIS_URL: services.redis.url, HOTCONF_PREFIX: prefix };
    expect((await runCli(['schedule', 'from=env', '--in', '1m'], env)).code).toBe(0);
    expect((await library(prefix).pending())[0]?.changes).toEqual([{ key: 'from', value: 'env' }]);
  });
});
