import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

const READY_TIMEOUT_MS = 10_000;
const READY_POLL_MS = 20;
const LOG_TAIL_CHARS = 2_000;

// Children must never outlive this process. The 'exit' handler covers a normal exit, but no handler runs
// when a signal ends the process (vitest sends SIGTERM, then SIGKILL, to a worker that does not stop; CI
// kills a run that times out). For that, on Linux, setpriv (util-linux) asks the kernel to SIGKILL the
// server when its parent dies, then execs the server under the same pid.
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
const DIE_WITH_PARENT = spawnSync('setpriv', ['--pdeathsig', 'KILL', 'true']).status === 0;

/** A server process that a test can stop, kill and start again with the same command line. */
export class ManagedProcess {
  private child: ChildProcess | undefined;
  private log = '';

  constructor(
    private readonly label: string,
    private readonly command: string,
    private readonly args: readonly string[],
    private readonly isReady: () => Promise<boolean>,
  ) {}

  /** Starts the process unless it runs; resolves once `isReady` says it serves, throws with its log otherwise. */
  async start(): Promise<void> {
    if (this.child) return;
    const stdio: StdioOptions = ['ignore', 'pipe', 'pipe'];
    const child = DIE_WITH_PARENT
      ? spawn('setpriv', ['--pdeathsig', 'KILL', '--', this.command, ...this.args], { stdio })
      : spawn(this.command, this.args, { stdio });
    this.child = child;
    children.add(child);
    this.log = '';
    const record = (chunk: Buffer | string): void => {
      this.log = (this.log + chunk.toString()).slice(-LOG_TAIL_CHARS);
    };
    child.stdout?.on('data', record);
    child.stderr?.on('data', record);
    const forget = (): void => {
      children.delete(child);
      if (this.child === child) this.child = undefined;
    };
    child.once('exit', forget);
    // Emitted instead of 'exit' when the binary cannot be run at all; unhandled, it would crash the worker.
    child.once('error', (error) => {
      record(String(error));
      forget();
    });

    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await this.isReady().catch(() => false))) {
      if (this.child !== child || Date.now() > deadline) {
        await this.kill();
        throw new Error(`${this.label} did not start (${this.command} ${this.args.join(' ')}):\n${this.log}`);
      }
      await sleep(READY_POLL_MS);
    }
  }

  /** SIGTERM, resolves when the process has exited. */
  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  /** SIGKILL, resolves when the process has exited. */
  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  /** SIGSTOP (true) or SIGCONT (false): a server that keeps its connections open and answers nothing. */
  pause(paused: boolean): void {
    this.child?.kill(paused ? 'SIGSTOP' : 'SIGCONT');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = child.exitCode === null && child.signalCode === null ? once(child, 'exit') : undefined;
    child.kill(signal);
    await exited;
    this.child = undefined;
  }
}
