import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const READY_TIMEOUT_MS = 10_000;
const LOG_TAIL_CHARS = 2_000;

// Every child this process started, so none outlives it.
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

// A test worker can be killed without running its 'exit' handlers, so each child's pid is also left in
// HOTCONF_PID_DIR, where the test run's global teardown kills whatever is still there.
function registerPid(child: ChildProcess): void {
  const dir = process.env.HOTCONF_PID_DIR;
  if (!dir || child.pid === undefined) return;
  const file = join(dir, String(child.pid));
  writeFileSync(file, '');
  child.once('exit', () => rmSync(file, { force: true }));
}

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

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the process and resolves once `isReady` says it serves; throws with its log otherwise. */
  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(this.command, this.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    children.add(child);
    registerPid(child);
    this.log = '';
    const record = (chunk: Buffer): void => {
      this.log = (this.log + chunk.toString()).slice(-LOG_TAIL_CHARS);
    };
    child.stdout?.on('data', record);
    child.stderr?.on('data', record);
    child.once('exit', () => {
      children.delete(child);
      if (this.child === child) this.child = undefined;
    });

    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await this.isReady().catch(() => false))) {
      if (this.child !== child || Date.now() > deadline) {
        await this.kill();
        throw new Error(`${this.label} did not start (${this.command} ${this.args.join(' ')}):\n${this.log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
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

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = child.exitCode === null && child.signalCode === null ? once(child, 'exit') : undefined;
    child.kill(signal);
    await exited;
    this.child = undefined;
  }
}
