import type { Command } from './command.js';

/** Wrong words on the command line: reported in one line on stderr, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const CONNECTION_HELP = `Connection (flag, else environment variable, else default):
  --redis URL              HOTCONF_REDIS_URL   redis://127.0.0.1:6379
  --nsqd HOST:PORT[,...]   HOTCONF_NSQD        127.0.0.1:4150
  --prefix PREFIX          HOTCONF_PREFIX      hotconf
  --topic TOPIC            HOTCONF_TOPIC       hotconf.changes
  --history-limit N        HOTCONF_HISTORY_LIMIT  10000 (the scheduler's historyLimit; 0: history off)

Output:
  --json                   one JSON document (watch, scheduler, bridge: one JSON line per event)
  -h, --help               this help`;

export function mainHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const list = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `Usage: hotconf COMMAND [options]

Scheduled configuration hot-updates: schedule config changes in Redis, publish them to NSQ when
they fall due, and watch services apply them.

Commands:
${list.join('\n')}

${CONNECTION_HELP}

Run 'hotconf COMMAND --help' for the options of a command.
`;
}

export function commandHelp(command: Command): string {
  const options = command.options ? `\nOptions:\n${command.options}\n` : '';
  return `Usage: ${command.synopsis}

${command.description}
${options}
${CONNECTION_HELP}
`;
}
