import { afterEach, expect } from 'vitest';
import {
  createConfigSubscriber,
  createScheduler,
  type ConfigSubscriber,
  type ConfigSubscriberOptions,
  type Scheduler,
  type SchedulerOptions,
} from 'hotconf';
import { topicStats } from '../../local-services/nsqd-http.js';
import type { TestServices } from '../helpers/fixtures.js';
import { uniquePrefix } from '../helpers/redis.js';

/**
 * How long a change may take from schedule() through the scheduler, nsqd and a subscriber on this loaded
 * 2-core machine: a wait for a real condition, never a pass/fail on speed.
 */
export const PATH_TIMEOUT_MS = 15_000;

/** One deployment of a test: its prefix and topic, and the schedulers and subscribers started on it. */
export interface Deployment {
  prefix: string;
  topic: string;
  startScheduler(options?: Partial<SchedulerOptions>): Promise<Scheduler>;
  subscribe(service: string, options?: Partial<ConfigSubscriberOptions>): ConfigSubscriber;
  /** Errors this test provokes on purpose; any other 'error' event fails the test. */
  expectErrors(matches: (error: Error) => boolean): void;
  /** Waits until every change the scheduler scheduled was published, then stops it (as afterEach does). */
  stopScheduler(scheduler: Scheduler): Promise<void>;
}

/**
 * Makes deployments on the file's services; everything they started is stopped after each test. Each
 * scheduler and subscriber has a Redis URL of its own, so it owns (and closes) its connection. Every
 * 'error' they emit is collected, and the test fails on one it did not declare with `expectErrors`.
 */
export function useDeployments(services: TestServices): (label: string) => Deployment {
  const running: { close(): Promise<unknown> }[] = [];
  let errors: Error[] = [];
  let expected: ((error: Error) => boolean)[] = [];
  const stoppers = new WeakMap<Scheduler, () => Promise<void>>();
  afterEach(async () => {
    await Promise.all(running.splice(0).map((each) => each.close()));
    const unexpected = errors.filter((error) => !expected.some((matches) => matches(error)));
    errors = [];
    expected = [];
    expect(unexpected.map((error) => error.message)).toEqual([]);
  });
  const collect = (error: Error): void => void errors.push(error);

  return (label) => {
    const prefix = uniquePrefix(label);
    const topic = `${prefix}.changes`;
    return {
      prefix,
      topic,
      async startScheduler(options = {}) {
        const scheduler = createScheduler({
          redis: services.redis.url,
          nsqd: services.nsqd.tcpAddress,
          topic,
          prefix,
          ...options,
        });
        scheduler.on('error', collect);
        // Stopped only once what it scheduled is published: a stop during a publish is the scheduler's
        // business (test/scheduler), not what these tests are about.
        const scheduledIds = new Set<string>();
        const publishedIds = new Set<string>();
        scheduler.on('published', ({ id }) => publishedIds.add(id));
        const schedule = scheduler.schedule.bind(scheduler);
        scheduler.schedule = async (...args) => {
          const result = await schedule(...args);
          scheduledIds.add(result.id);
          return result;
        };
        const stop = async (): Promise<void> => {
          const unpublished = (): string[] => [...scheduledIds].filter((id) => !publishedIds.has(id));
          await expect.poll(unpublished, { timeout: PATH_TIMEOUT_MS }).toEqual([]);
          await scheduler.stop();
        };
        stoppers.set(scheduler, stop);
        running.push({ close: stop });
        await scheduler.start();
        return scheduler;
      },
      subscribe(service, options = {}) {
        const subscriber = createConfigSubscriber({
          redis: services.redis.url,
          nsqd: services.nsqd.tcpAddress,
          nsqdHttp: services.nsqd.httpAddress,
          topic,
          prefix,
          service,
          ...options,
        });
        subscriber.on('error', collect);
        running.push(subscriber);
        return subscriber;
      },
      expectErrors(matches) {
        expected.push(matches);
      },
      async stopScheduler(scheduler) {
        await stoppers.get(scheduler)?.();
      },
    };
  };
}

/** Waits until the snapshot holds these values: the claim applied them (they may not be published yet). */
export async function untilInEffect(scheduler: Scheduler, values: Record<string, unknown>): Promise<void> {
  await expect
    .poll(async () => (await scheduler.current()).values, { timeout: PATH_TIMEOUT_MS })
    .toMatchObject(values);
}

/** An envelope v1 as the scheduler publishes it, for publishing straight to the topic (publishRaw). */
export function envelopeBody(id: string, seq: number, effectiveAt: number, changes: unknown[]): string {
  return JSON.stringify({ v: 1, id, seq, effectiveAt, publishedAt: effectiveAt, changes });
}

export async function channelNames(httpAddress: string, topic: string): Promise<string[]> {
  return ((await topicStats(httpAddress, topic))?.channels ?? []).map((channel) => channel.name);
}

/** Waits until nsqd has the channel: from then on it gets a copy of everything published to the topic. */
export async function untilChannelExists(httpAddress: string, topic: string, channel: string): Promise<void> {
  await expect.poll(() => channelNames(httpAddress, topic), { timeout: PATH_TIMEOUT_MS }).toContain(channel);
}

/** Errors a test that stops Redis or nsqd provokes: connections refused or lost, reads that failed. */
export function isOutageError(error: Error): boolean {
  const code = (error as { code?: string }).code;
  return (
    code === 'E_REDIS' ||
    code === 'E_PUBLISH_FAILED' ||
    /ECONNREFUSED|ECONNRESET|EPIPE|closed|nsqd|Connection is closed|timed? ?out/i.test(error.message)
  );
}
