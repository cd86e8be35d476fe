import { Counter, Gauge, Histogram, register as globalRegistry, type Registry } from 'prom-client';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { PublishedEvent, RequeuedEvent, SchedulerStats } from '../scheduler/types.js';
import type { ConfigSubscriber } from '../subscriber/subscriber.js';
import type { AppliedEvent, SubscriberStats } from '../subscriber/types.js';
import { invalidArgument } from '../errors.js';

export interface RegisterMetricsOptions {
  /** Counts what it publishes and requeues; its queue counts are read at each scrape. */
  scheduler?: Scheduler;
  /** Its `stats`, `revision` and `stale` are read at each scrape; its apply lag is observed as it goes. */
  subscriber?: ConfigSubscriber;
  /** Default: prom-client's global registry. */
  registry?: Registry;
}

export interface RegisteredMetrics {
  /** Stops listening and removes the metrics from the registry. */
  unregister(): void;
}

// From 1 ms to 30 s: a change lands within milliseconds when all is well, seconds when NSQ is down.
const LAG_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

const QUEUE_STATES = [
  ['due', 'due'],
  ['scheduled', 'scheduled'],
  ['processing', 'processing'],
  ['awaitingPublish', 'awaiting_publish'],
  ['dead', 'dead'],
] as const;

const SUBSCRIBER_COUNTERS: readonly [keyof SubscriberStats, string][] = [
  ['applied', 'Change sets from NSQ that changed the config.'],
  ['dropped', 'Change sets from NSQ older than, or repeats of, what was held.'],
  ['rejected', 'Change sets and reloads that validate refused.'],
  ['malformed', 'NSQ messages that were not a hotconf envelope.'],
  ['reloads', 'Snapshot reloads from Redis.'],
];

/**
 * Adds hotconf's metrics to a prom-client registry: for a scheduler, published/requeued/conflict
 * totals, queue counts by state and a due→published lag histogram; for a subscriber, its counters,
 * revision, staleness and a due→applied lag histogram. Names are `hotconf_*` with their unit; the only
 * label is the queue state, so series stay few whatever the traffic.
 */
export function registerMetrics(options: RegisterMetricsOptions = {}): RegisteredMetrics {
  if (typeof options !== 'object' || options === null) throw invalidArgument('options must be an object');
  const { scheduler, subscriber, registry = globalRegistry } = options;
  if (!scheduler && !subscriber) throw invalidArgument('give a scheduler, a subscriber or both');
  const registers = [registry];
  const cleanups: (() => void)[] = [];
  const names: string[] = [];
  const named = (name: string): string => {
    names.push(name);
    return name;
  };

  if (scheduler) {
    // Both queue gauges read the same stats: prom-client collects them together, so they share one read.
    let statsRead: Promise<SchedulerStats> | undefined;
    const readStats = (): Promise<SchedulerStats> =>
      (statsRead ??= scheduler.stats().finally(() => (statsRead = undefined)));
    const published = new Counter({
      name: named('hotconf_scheduler_published_total'),
      help: 'Change sets published to NSQ.',
      registers,
    });
    const requeued = new Counter({
      name: named('hotconf_scheduler_requeued_total'),
      help: 'Change sets whose publish failed and were given back to be retried.',
      registers,
    });
    const conflicts = new Counter({
      name: named('hotconf_scheduler_conflicts_total'),
      help: 'Change sets skipped because their base revision was out of date.',
      registers,
    });
    const publishLag = new Histogram({
      name: named('hotconf_scheduler_publish_lag_seconds'),
      help: 'From a change set’s effective time to nsqd acknowledging its publish.',
      buckets: LAG_BUCKETS_SECONDS,
      registers,
    });
    new Gauge({
      name: named('hotconf_queue_changes'),
      help: 'Change sets by state: due (time passed), scheduled (future), processing, awaiting_publish (in effect, publish retried), dead.',
      labelNames: ['state'],
      registers,
      async collect() {
        const stats = await readStats();
        for (const [field, state] of QUEUE_STATES) this.set({ state }, stats[field]);
      },
    });
    new Gauge({
      name: named('hotconf_queue_oldest_due_lag_seconds'),
      help: 'How long the oldest due change set has waited for a scheduler (0 when none is due).',
      registers,
      async collect() {
        this.set((await readStats()).oldestDueLagMs / 1_000);
      },
    });
    const onPublished = (event: PublishedEvent): void => {
      published.inc();
      publishLag.observe(event.lagMs / 1_000);
    };
    const onRequeued = (event: RequeuedEvent): void => requeued.inc(event.ids.length);
    const onConflict = (): void => conflicts.inc();
    scheduler.on('published', onPublished);
    scheduler.on('requeued', onRequeued);
    scheduler.on('conflict', onConflict);
    cleanups.push(() => {
      scheduler.off('published', onPublished);
      scheduler.off('requeued', onRequeued);
      scheduler.off('conflict', onConflict);
    });
  }

  if (subscriber) {
    for (const [stat, help] of SUBSCRIBER_COUNTERS) {
      const name = `hotconf_subscriber_${stat}_total`;
      new Counter({
        name: named(name),
        help,
        registers,
        // The subscriber counts; the scrape copies its count.
        collect() {
          this.reset();
          this.inc(subscriber.stats[stat]);
        },
      });
    }
    new Gauge({
      name: named('hotconf_subscriber_revision'),
      help: 'The snapshot revision the subscriber last loaded or confirmed.',
      registers,
      collect() {
        this.set(subscriber.revision);
      },
    });
    new Gauge({
      name: named('hotconf_subscriber_stale'),
      help: '1 while the config has not been confirmed by Redis for staleAfterMs.',
      registers,
      collect() {
        this.set(subscriber.stale ? 1 : 0);
      },
    });
    const applyLag = new Histogram({
      name: named('hotconf_subscriber_apply_lag_seconds'),
      help: 'From a change set’s effective time to this instance applying it.',
      buckets: LAG_BUCKETS_SECONDS,
      registers,
    });
    const onApplied = (event: AppliedEvent): void => applyLag.observe(Math.max(0, event.lagMs) / 1_000);
    subscriber.on('applied', onApplied);
    cleanups.push(() => subscriber.off('applied', onApplied));
  }

  return {
    unregister() {
      for (const cleanup of cleanups.splice(0)) cleanup();
      for (const name of names.splice(0)) registry.removeSingleMetric(name);
    },
  };
}
