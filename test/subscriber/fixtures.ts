import { afterEach } from 'vitest';
import {
  createConfigSubscriber,
  createScheduler,
  type ConfigSubscriber,
  type ConfigSubscriberOptions,
  type Scheduler,
  type SchedulerOptions,
} from '../../src/index.js';
import type { TestServices } from '../helpers/fixtures.js';
import { uniquePrefix } from '../helpers/redis.js';

/** One deployment of a test: its prefix and topic, and the schedulers and subscribers started on it. */
export interface Deployment {
  prefix: string;
  topic: string;
  startScheduler(options?: Partial<SchedulerOptions>): Promise<Scheduler>;
  subscribe(service: string, options?: Partial<ConfigSubscriberOptions>): ConfigSubscriber;
}

/**
 * Makes deployments on the file's services; everything they started is stopped after each test. Each
 * scheduler and subscriber has a Redis URL of its own, so it owns (and closes) its connection.
 */
export function useDeployments(services: TestServices): (label: string) => Deployment {
  const running: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((each) => each.close()));
  });

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
        scheduler.on('error', () => {}); // expected in fault tests; logged by nobody
        running.push({ close: () => scheduler.stop() });
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
        subscriber.on('error', () => {});
        running.push(subscriber);
        return subscriber;
      },
    };
  };
}
