import { describe, expect, it } from 'vitest';
import {
  createDelayQueue,
  createScheduler,
  type PendingChange,
  type QueueStats,
  type ScheduledChange,
} from 'hotconf';
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

describe('hotconf cancel and reschedule', () => {
  it('cancels a pending change, then fails with E_NOT_PENDING and exit 1', async () => {
    const prefix = uniquePrefix('cli-cancel');
    const hotconf = cli(prefix);
    expect((await hotconf('schedule', 'a=1', '--in', '1m', '--id', 'doomed')).code).toBe(0);

    expect(parseJson(await hotconf('cancel', 'doomed', '--json'))).toEqual({ id: 'doomed', cancelled: true });
    expect(await library(prefix).pending()).toEqual([]);
    expect(await hotconf('cancel', 'doomed')).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'hotconf: E_NOT_PENDING: change doomed is not pending (unknown, published or being published)\n',
    });
  });

  it('moves a pending change to --at or --in, keeping its seq', async () => {
    const prefix = uniquePrefix('cli-move');
    const hotconf = cli(prefix);
    const first = parseJson<ScheduledChange>(await hotconf('schedule', 'a=1', '--in', '1h', '--json'));

    const moved = parseJson<ScheduledChange>(
      await hotconf('reschedule', first.id, '--at', '2099-06-01T12:00:00Z', '--json'),
    );
    expect(moved).toEqual({ ...first, effectiveAt: Date.parse('2099-06-01T12:00:00Z') });
    expect((await library(prefix).pending())[0]?.effectiveAt).toBe(moved.effectiveAt);

    const text = await hotconf('reschedule', first.id, '--in', '90s');
    expect(text).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^rescheduled \S+ \(seq \d+\) to /),
    });
    const [change] = await library(prefix).pending();
    expect(change!.effectiveAt - Date.now()).toBeGreaterThan(80_000);
    expect(change!.effectiveAt - Date.now()).toBeLessThanOrEqual(90_000);
  });

  it('refuses with E_NOT_PENDING and exit 1 to move a change that is being published', async () => {
    const prefix = uniquePrefix('cli-claimed');
    const hotconf = cli(prefix);
    expect((await hotconf('schedule', 'a=1', '--id', 'taken')).code).toBe(0);
    await createDelayQueue({ redis: connectRedis(services.redis.url), prefix }).claim();
    const result = await hotconf('reschedule', 'taken', '--in', '1m');
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(/^hotconf: E_NOT_PENDING: change taken is not pending [^\n]*\n$/);
  });
});

describe('hotconf stats', () => {
  it('counts due, scheduled and processing changes', async () => {
    const prefix = uniquePrefix('cli-stats');
    const hotconf = cli(prefix);
    await Promise.all([hotconf('schedule', 'now=1'), hotconf('schedule', 'later=1', '--in', '1h')]);
    const before = parseJson<QueueStats>(await hotconf('stats', '--json'));
    expect(before).toMatchObject({ due: 1, scheduled: 1, processing: 0, dead: 0 });
    expect(before.oldestDueLagMs).toBeGreaterThanOrEqual(0);

    await createDelayQueue({ redis: connectRedis(services.redis.url), prefix }).claim();
    expect(parseJson(await hotconf('stats', '--json'))).toEqual({
      due: 0,
      scheduled: 1,
      processing: 1,
      awaitingPublish: 0,
      dead: 0,
      oldestDueLagMs: 0,
    });
    expect((await hotconf('stats')).stdout).toBe(
      'due         0\nscheduled   1\nprocessing  1\nrepublish   0\ndead        0\noldest lag  0 ms\n',
    );
  });
});
