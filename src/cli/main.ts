#!/usr/bin/env node
import type { Command } from './command.js';
import { bridge } from './commands/bridge.js';
import { cancel } from './commands/cancel.js';
import { current } from './commands/current.js';
import { dashboard } from './commands/dashboard.js';
import { diff } from './commands/diff.js';
import { fleet } from './commands/fleet.js';
import { history } from './commands/history.js';
import { recurring } from './commands/recurring.js';
import { rollback } from './commands/rollback.js';
import { pending } from './commands/pending.js';
import { reschedule } from './commands/reschedule.js';
import { schedule } from './commands/schedule.js';
import { scheduler } from './commands/scheduler.js';
import { stats } from './commands/stats.js';
import { watch } from './commands/watch.js';
import { isHotconfError } from './library.js';
import { forStderr } from './output.js';
import { commandHelp, mainHelp, UsageError } from './usage.js';

const COMMANDS: readonly Command[] = [
  schedule,
  cancel,
  reschedule,
  pending,
  current,
  history,
  diff,
  rollback,
  recurring,
  stats,
  watch,
  scheduler,
  fleet,
  dashboard,
  bridge,
];

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h') {
    process.stdout.write(mainHelp(COMMANDS));
    return;
  }
  if (name === undefined) throw new UsageError("missing command (see 'hotconf --help')");
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) throw new UsageError(`unknown command "${name}" (see 'hotconf --help')`);
  // Before parsing, so that help works even beside words the command would refuse.
  const flags = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (flags.includes('--help') || flags.includes('-h')) {
    process.stdout.write(commandHelp(command));
    return;
  }
  await command.run(rest).catch((error: unknown) => {
    if (error instanceof UsageError) throw new UsageError(`${error.message} (see 'hotconf ${name} --help')`);
    throw error;
  });
}

/** Exit codes: 0 done, 1 the command failed, 2 the command line was wrong. */
function fail(error: unknown): void {
  const message = isHotconfError(error)
    ? `${error.code}: ${error.message}`
    : error instanceof Error
      ? error.message
      : String(error);
  process.stderr.write(`hotconf: ${forStderr(message)}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}

void main(process.argv.slice(2)).catch(fail);
