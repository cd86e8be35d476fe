import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export interface ProcessSettings {
  redis: string;
  nsqd: string;
  topic: string;
  prefix: string;
  /** Subscribers only. */
  service?: string;
  /** Schedulers only. */
  leaseMs?: number;
}

export interface AppliedChange {
  /** Which start of the process applied it (1, 2, ...): version order holds within one. */
  incarnation: number;
  key: string;
  newValue: unknown;
  deleted: boolean;
  /** null when the change came from a snapshot reload. */
  id: string | null;
}

type Message = { event: 'started' | 'ready' | 'error' | 'change' | 'config' } & Record<string, unknown>;

const SCRIPTS = {
  scheduler: fileURLToPath(new URL('processes/scheduler-process.mjs', import.meta.url)),
  subscriber: fileURLToPath(new URL('processes/subscriber-process.mjs', import.meta.url)),
};

/**
 * A hotconf scheduler or subscriber in a child process (the built package), which a fault test or the
 * soak SIGKILLs and starts again. Keeps what it reported: errors, and for a subscriber every change it
 * applied, tagged with the incarnation that applied it.
 */
export class HotconfProcess {
  readonly errors: string[] = [];
  readonly changes: AppliedChange[] = [];
  private child: ChildProcess | undefined;
  private incarnation = 0;

  constructor(
    readonly kind: 'scheduler' | 'subscriber',
    private readonly settings: ProcessSettings,
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts it; resolves once it reports started (scheduler) or ready (subscriber). */
  async start(timeoutMs = 60_000): Promise<void> {
    const incarnation = ++this.incarnation;
    const child = fork(SCRIPTS[this.kind], [], {
      env: { ...process.env, HOTCONF_PROCESS: JSON.stringify(this.settings) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const up = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.kind} not up in ${timeoutMs} ms: ${stderr}`)),
        timeoutMs,
      );
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.kind} exited (${code ?? signal}) before it was up: ${stderr}`));
      });
      child.on('message', (message: Message) => {
        if (message.event === 'started' || message.event === 'ready') {
          clearTimeout(timer);
          resolve();
        } else if (message.event === 'error') this.errors.push(String(message.message));
        else if (message.event === 'change') {
          const { key, newValue, deleted, id } = message as unknown as Omit<AppliedChange, 'incarnation'>;
          this.changes.push({ incarnation, key, newValue, deleted, id });
        }
      });
    });
    up.catch(() => {}); // a SIGKILL before it was up is the caller's doing, not a failure
    await up;
  }

  /** SIGKILL; resolves when it exited. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** A subscriber's config in memory now. */
  async getAll(timeoutMs = 5_000): Promise<Record<string, unknown>> {
    const child = this.child;
    if (!child || !this.running) throw new Error(`${this.kind} is not running`);
    const reply = new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no config reply')), timeoutMs);
      const onMessage = (message: Message): void => {
        if (message.event !== 'config') return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(message.values as Record<string, unknown>);
      };
      child.on('message', onMessage);
    });
    child.send('getAll');
    return reply;
  }
}
