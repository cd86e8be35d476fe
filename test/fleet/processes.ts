import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach } from 'vitest';
import type { ConfigSubscriberOptions } from '../../src/index.js';

const SUBSCRIBER_PROCESS = new URL('./fixtures/subscriber-process.mjs', import.meta.url).pathname;

export interface SubscriberProcess {
  readonly child: ChildProcess;
  readonly service: string;
  readonly instanceId: string;
}

type ProcessOptions = Omit<ConfigSubscriberOptions, 'redis' | 'validate' | 'logger'> & {
  redis: string;
  instanceId: string;
};

/**
 * Starts subscriber processes (resolving once each has a config); each is SIGKILLed after the test,
 * after a SIGCONT in case the test stopped it.
 */
export function useSubscriberProcesses(): (options: ProcessOptions) => Promise<SubscriberProcess> {
  const started: ChildProcess[] = [];
  afterEach(async () => {
    await Promise.all(
      started.splice(0).map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGCONT');
        child.kill('SIGKILL');
        await exited;
      }),
    );
  });
  return async (options) => {
    const child = fork(SUBSCRIBER_PROCESS, [JSON.stringify(options)], { stdio: 'inherit' });
    started.push(child);
    const [message] = (await Promise.race([once(child, 'message'), once(child, 'exit')])) as unknown[];
    if (message !== 'ready') throw new Error(`subscriber process ${options.instanceId} exited before ready`);
    return { child, service: options.service, instanceId: options.instanceId };
  };
}

/** Sends `signal` and resolves once the process is gone. */
export async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}
