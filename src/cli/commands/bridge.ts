import { connectionSettings, parseCommand } from '../args.js';
import type { Command } from '../command.js';
import { fromFlags, schedulerSettings } from '../connect.js';
import { loadLibrary } from '../library.js';
import { print, time, warn } from '../output.js';
import { untilSignal } from '../signals.js';
import { UsageError } from '../usage.js';

const SCORE_UNITS = ['s', 'ms', 'auto'] as const;
const MODES = ['move', 'due'] as const;

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
): T | undefined {
  if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T | undefined;
  throw new UsageError(`${flag} takes ${allowed.join(', ')} (got "${value}")`);
}

export const bridge: Command = {
  name: 'bridge',
  summary: "move the recipe's ZSET members into hotconf as they appear",
  synopsis: 'hotconf bridge [--key KEY] [--score-unit s|ms|auto] [--mode move|due] [--dead]',
  description: `Runs the recipe bridge until SIGINT or SIGTERM: members ZADDed to the recipe's ZSET
(JSON {"key","value"} or an array of them, scored in Unix seconds) become hotconf changes at their
time, on the --prefix deployment. A member it cannot map goes to the dead list with the reason.
Prints a line per event: started, moved, dead, stopped; errors go to stderr.
With --dead, lists the dead list instead and exits.`,
  options: `  --key KEY             the recipe's ZSET (default config:delayed:push)
  --score-unit UNIT     s (the recipe's, default), ms, or auto (below 1e11 seconds, else ms)
  --mode MODE           move (default): take members as soon as they appear;
                        due: leave them in the ZSET until they are due
  --dead                list the members that could not be mapped, oldest first, and exit`,
  async run(argv) {
    const { values } = parseCommand(argv, {
      key: { type: 'string' },
      'score-unit': { type: 'string' },
      mode: { type: 'string' },
      dead: { type: 'boolean' },
    } as const);
    const scoreUnit = oneOf(values['score-unit'], SCORE_UNITS, '--score-unit');
    const mode = oneOf(values.mode, MODES, '--mode');
    const settings = connectionSettings(values);
    const { redisUrl, prefix } = settings;
    const { createRecipeBridge, createScheduler } = await loadLibrary();
    const scheduler = fromFlags(() => createScheduler({ redis: redisUrl, ...schedulerSettings(settings) }));
    const running = fromFlags(() =>
      createRecipeBridge({
        redis: redisUrl,
        scheduler,
        ...(values.key === undefined ? {} : { key: values.key }),
        ...(scoreUnit === undefined ? {} : { scoreUnit }),
        ...(mode === undefined ? {} : { mode }),
      }),
    );
    try {
      if (values.dead) {
        const dead = await running.dead();
        print(values.json, dead, () =>
          dead.length === 0
            ? 'no dead members'
            : dead
                .map(
                  ({ at, id, score, member, reason }) =>
                    `${time(at)}  ${id}  score ${score}  ${member}  ${reason}`,
                )
                .join('\n'),
        );
        return;
      }
      running.on('moved', (event) =>
        print(
          values.json,
          { event: 'moved', ...event },
          () => `moved ${event.scheduled} member(s) into hotconf, ${event.dead} to the dead list`,
        ),
      );
      running.on('dead', (event) =>
        print(values.json, { event: 'dead', ...event }, () => `dead: ${event.member}: ${event.reason}`),
      );
      running.on('error', warn);
      const signalled = untilSignal();
      await running.start();
      print(values.json, { event: 'started', prefix }, () => `bridge started (prefix ${prefix})`);
      const signal = await signalled;
      print(values.json, { event: 'stopping', signal }, () => `${signal}: stopping`);
    } finally {
      await running.stop();
      await scheduler.stop();
    }
    print(values.json, { event: 'stopped' }, () => 'bridge stopped');
  },
};
