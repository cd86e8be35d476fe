import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { HistoryEntry, KeyDiff, RecurringChange, ScheduledChange } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { parseJson, runCli } from '../cli/run-cli.js';
import { useDeployments } from '../subscriber/fixtures.js';
import { eventually } from './wait.js';

const services = useServices({ nsqd: true });
const deployment = useDeployments(services);

describe('hotconf history, diff, rollback, recurring and the schedule flags', () => {
  it('records actor and reason, time-boxes with --for, and diffs and rolls back by revision', async () => {
    const { prefix, startScheduler } = deployment('cli-release');
    const scheduler = await startScheduler();
    const hotconf = (...args: string[]) =>
      runCli([...args, '--redis', services.redis.url, '--prefix', prefix], { USER: 'ana' });

    const first = parseJson<ScheduledChange>(await hotconf('schedule', 'mode=day', '--json'));
    await eventually(async () => ((await scheduler.current()).revision === 1 ? true : undefined));
    const boxed = parseJson<ScheduledChange>(
      await hotconf(
        'schedule',
        'mode=night',
        '--for',
        '1h',
        '--actor',
        'bo',
        '--reason',
        'window',
        '--base-current',
        '--json',
      ),
    );
    await eventually(async () => ((await scheduler.current()).revision === 2 ? true : undefined));

    const entries = parseJson<HistoryEntry[]>(await hotconf('history', '--json'));
    expect(entries.map(({ event, id, actor }) => ({ event, id, actor }))).toEqual([
      { event: 'scheduled', id: `${boxed.id}.revert`, actor: 'bo' },
      { event: 'applied', id: boxed.id, actor: 'bo' },
      { event: 'scheduled', id: boxed.id, actor: 'bo' },
      { event: 'applied', id: first.id, actor: `ana@${hostname()}` },
      { event: 'scheduled', id: first.id, actor: `ana@${hostname()}` },
    ]);
    expect(entries[0]!.effectiveAt - boxed.effectiveAt).toBe(3_600_000);
    const text = await hotconf('history', '--id', boxed.id, '--limit', '1');
    expect(text.stdout).toMatch(
      new RegExp(`applied +${boxed.id}  rev 2  mode="night"  was mode="day"  by bo  — window\\n$`),
    );

    expect(parseJson<KeyDiff[]>(await hotconf('diff', '1', '--json'))).toEqual([
      { key: 'mode', from: { value: 'day' }, to: { value: 'night' } },
    ]);
    expect((await hotconf('diff', '0', '1')).stdout).toBe('mode: (unset) -> "day"\n');

    const dry = await hotconf('rollback', '1', '--dry-run');
    expect(dry.stdout).toBe('mode: "night" -> "day"\ndry run: nothing scheduled\n');
    expect((await scheduler.current()).revision).toBe(2);
    const done = await hotconf('rollback', '1', '--reason', 'undo');
    expect(done.stdout).toMatch(/^mode: "night" -> "day"\nscheduled rollback \S+ \(seq \d+\) for /);
    await eventually(async () => ((await scheduler.current()).values.mode === 'day' ? true : undefined));
    const [rolledBack] = parseJson<HistoryEntry[]>(
      await hotconf('history', '--key', 'mode', '--limit', '1', '--json'),
    );
    expect(rolledBack).toMatchObject({ event: 'applied', kind: 'rollback', reason: 'undo', revision: 3 });

    expect((await hotconf('schedule', 'x=1', '--until', 'soon')).code).toBe(2);
    expect((await hotconf('schedule', 'x=1', '--for', '1h', '--until', '2099-01-01T00:00:00Z')).code).toBe(2);
    expect((await hotconf('schedule', 'x=1', '--base-revision', '99')).stderr).toMatch(/E_UNKNOWN_REVISION/);
  });

  it('adds, lists and cancels recurring changes', async () => {
    const { prefix } = deployment('cli-recurring');
    const hotconf = (...args: string[]) =>
      runCli([...args, '--redis', services.redis.url, '--prefix', prefix]);
    const added = await hotconf(
      'recurring',
      'add',
      'night',
      '--cron',
      '0 22 * * *',
      '--tz',
      'Europe/Berlin',
      '--for',
      '8h',
      'mode=night',
    );
    expect(added).toMatchObject({ code: 0, stderr: '' });
    const [listed] = parseJson<RecurringChange[]>(await hotconf('recurring', 'list', '--json'));
    expect(listed).toMatchObject({
      id: 'night',
      cron: '0 22 * * *',
      timezone: 'Europe/Berlin',
      durationMs: 8 * 3_600_000,
      changes: [{ key: 'mode', value: 'night' }],
    });
    // 22:00 in Berlin is 21:00Z in winter (20:00Z in summer).
    expect(new Date(listed!.nextRunAt!).toISOString()).toMatch(/T2[01]:00:00\.000Z$/);
    expect(added.stdout).toBe(`added night, next at ${new Date(listed!.nextRunAt!).toISOString()}\n`);
    expect((await hotconf('recurring', 'add', 'bad', '--cron', 'nope', 'k=1')).stderr).toMatch(
      /E_INVALID_ARGUMENT/,
    );
    expect(await hotconf('recurring', 'cancel', 'night')).toMatchObject({
      code: 0,
      stdout: 'cancelled night\n',
    });
    expect(await hotconf('recurring', 'cancel', 'night')).toMatchObject({ code: 1 });
    expect((await hotconf('recurring', 'list')).stdout).toBe('no recurring changes\n');
  });
});
