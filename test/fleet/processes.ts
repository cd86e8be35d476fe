import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach } from 'vitest';
import type { ConfigSubscriberOptions } from 'hotconf';
import type { TestServices } from '../helpers/fixtures.js';

const SUBSCRIBER_PROCESS = new URL('./fixtures/subscriber-process.mjs', import.meta.url).pathname;

export interface SubscriberProcess {
  readonly child: ChildProcess;
  readonly service: string;
  readonly instanceId: string;
}

/** What a process may be given besides its deployment: JSON-able options only. */
type ProcessOptions = Partial<Omit<ConfigSubscriberOptions, 'redis' | 'validate' | 'logger'>> & {
  redis?: string;
};

export type StartSubscriber = (
  deployment: { prefix: string; topic: string },
  service: string,
  instanceId: string,
  options?: ProcessOptions,
) => Promise<SubscriberProcess>;

/**
 * Starts subscriber processes on the file's Redis and nsqd (resolving once each has a config); each is
 * SIGKILLed after the test, after a SIGCONT in case the test stopped it.
 */
export function useSubscriberProcesses(services: TestServices): StartSubscriber {
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
  return async ({ prefix, topic }, service, instanceId, options = {}) => {
    const subscriberOptions = {
      redis: services.redis.url,
      nsqd: services.nsqd.tcpAddress,
      topic,
      prefix,
      service,
      instanceId,
      ...options,
    };
    const child = fork(SUBSCRIBER_PROCESS, [JSON.stringify(subscriberOptions)], { stdio: 'inherit' });
    started.push(child);
    const [message] = (await Promise.race([once(child, 'message'), once(child, 'exit')])) as unknown[];
    if (message !== 'ready') throw new Error(`subscriber process ${instanceId} exited before ready`);
    return { child, service, instanceId };
  };
}

/** Sends `signal` and resolves once the process is gone. */
export async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}
