import { describe, expect, it } from 'vitest';
import { createScheduler } from 'hotconf';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';
import { parseJson, runCli } from './run-cli.js';

const services = useServices();

/** Runs the CLI against this file's Redis, on a prefix of the test's own. */
function cli(prefix: string, env: Record<string, string> = {}) {
  return (...args: string[]) => runCli([...args, '--redis', services.redis.url, '--prefix', prefix], env);
}

/** What history holds for the prefix, read by a scheduler with history on. */
function historyOf(prefix: string) {
  return createScheduler({
    redis: connectRedis(services.redis.url),
    topic: 'hotconf.changes',
    prefix,
  }).history();
}

describe('hotconf --history-limit', () => {
  it('records a change scheduled with the default limit in history', async () => {
    const prefix = uniquePrefix('cli-history-default');
    parseJson(await cli(prefix)('schedule', 'mode=fast', '--in', '1h', '--id', 'on', '--json'));
    expect(await historyOf(prefix)).toMatchObject([{ id: 'on', event: 'scheduled' }]);
  });

  it('writes no history entry with --history-limit 0', async () => {
    const prefix = uniquePrefix('cli-history-off');
    parseJson(
      await cli(prefix)(
        'schedule',
        'mode=fast',
        '--in',
        '1h',
        '--id',
        'off',
        '--history-limit',
        '0',
        '--json',
      ),
    );
    const { code, stdout } = await cli(prefix)('pending', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject([{ id: 'off' }]);
    expect(await historyOf(prefix)).toEqual([]);
  });

  it('refuses an explicit --actor with history off (E_HISTORY_OFF), scheduling nothing', async () => {
    const prefix = uniquePrefix('cli-history-actor');
    const hotconf = cli(prefix);
    const result = await hotconf('schedule', 'a=1', '--history-limit', '0', '--actor', 'ops');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/E_HISTORY_OFF/);
    expect(JSON.parse((await hotconf('pending', '--json')).stdout)).toEqual([]);
  });

  it('takes the limit from HOTCONF_HISTORY_LIMIT, the flag overriding it', async () => {
    const prefix = uniquePrefix('cli-history-env');
    const hotconf = cli(prefix, { HOTCONF_HISTORY_LIMIT: '0' });
    parseJson(await hotconf('schedule', 'a=1', '--in', '1h', '--id', 'env-off', '--json'));
    expect(await historyOf(prefix)).toEqual([]);
    parseJson(
      await hotconf('schedule', 'a=2', '--in', '1h', '--id', 'flag-on', '--history-limit', '50', '--json'),
    );
    expect(await historyOf(prefix)).toMatchObject([{ id: 'flag-on', event: 'scheduled' }]);
  });

  it('refuses a limit that is not a whole number with a usage error, before writing anything', async () => {
    const prefix = uniquePrefix('cli-history-bad');
    for (const bad of ['-1', '1.5', 'lots', '']) {
      const result = await cli(prefix)('schedule', 'a=1', '--in', '1h', '--history-limit', bad);
      expect(result.code, bad).toBe(2);
      expect(result.stderr, bad).toMatch(/--history-limit/);
    }
    expect(await connectRedis(services.redis.url).keys(`*${prefix}*`)).toEqual([]);
  });
});
