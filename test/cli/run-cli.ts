import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** The built bin (`npm test` builds before vitest runs). */
export const CLI_PATH = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Env for the CLI with no HOTCONF_* variables of the caller's leaking in. */
function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('HOTCONF_')),
  );
  return { ...clean, ...env };
}

/** Runs `hotconf ...args` to its end (at most 10 s). */
export function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI_PATH, ...args],
      { env: cliEnv(env), timeout: 10_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** `stdout` as the one JSON document a --json command prints. */
export function parseJson<T>(result: CliResult): T {
  if (result.code !== 0) throw new Error(`hotconf exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

type Event = Record<string, unknown>;

/** A long-running `hotconf watch|scheduler`, its stdout kept line by line. */
export interface CliProcess {
  readonly lines: string[];
  /** The lines as the JSON events of --json. */
  events(): Event[];
  readonly stderr: () => string;
  /** Resolves with the first line `match` accepts, at most `timeoutMs` from now. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  waitForEvent(match: (event: Event) => boolean, timeoutMs?: number): Promise<Event>;
  /** Sends `signal` and resolves with the exit code (the process is killed after 5 s). */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

export function startCli(args: readonly string[], env: Record<string, string> = {}): CliProcess {
  const child: ChildProcess = spawn(process.execPath, [CLI_PATH, ...args], { env: cliEnv(env) });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);

  const waitForLine = async (match: (line: string) => boolean, timeoutMs = 5_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = lines.find(match);
      if (found !== undefined) return found;
      if (Date.now() > deadline || child.exitCode !== null) {
        throw new Error(
          `no such line within ${timeoutMs} ms; stdout: ${JSON.stringify(lines)}, stderr: ${stderr}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  return {
    lines,
    events: () => lines.map((line) => JSON.parse(line) as Event),
    stderr: () => stderr,
    waitForLine,
    async waitForEvent(match, timeoutMs) {
      return JSON.parse(await waitForLine((line) => match(JSON.parse(line) as Event), timeoutMs)) as Event;
    },
    async stop(signal) {
      if (child.exitCode === null) child.kill(signal);
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}
