import { createScheduler } from 'hotconf';
import type { BenchContext } from '../lib/context.js';
import { Countdown } from '../lib/countdown.js';
import { fillScheduler } from '../lib/fill.js';
import { startPhase } from '../lib/progress.js';
import { benchSubscriber } from '../lib/subscriber.js';
import { percentile } from '../lib/stats.js';

const PREFIX = 'bench-latency';
const TOPIC = 'bench-latency';
const SUBSCRIBERS = 3;
/** One change falls due every SPACING_MS: 1,000 changes/s. */
const SPACING_MS = 1;
/** The first change falls due this long after scheduling starts, so all are scheduled before any is due. */
const LEAD_MS = 3000;

export interface LatencyResult {
  dueToPublishedP50Ms: number;
  dueToPublishedP99Ms: number;
  dueToPublishedMaxMs: number;
  /**
   * Due → the `published` event as this process saw it (Date.now() − effectiveAt), after nsqd's ack and the
   * queue ack. lagMs is stamped before the MPUB is sent, so it leaves the MPUB round trip out.
   */
  dueToPublishedEventP50Ms: number;
  dueToPublishedEventP99Ms: number;
  dueToAppliedP50Ms: number;
  dueToAppliedP99Ms: number;
  dueToAppliedMaxMs: number;
  changes: number;
  changesPerSec: number;
  subscribers: number;
  /** Lag at each percentile 1..100, for the figure. */
  curve: { percentile: number; publishedMs: number; publishedEventMs: number; appliedMs: number }[];
}

/**
 * Due → published (the scheduler's `published` lagMs) and due → applied (a subscriber's `change` event,
 * Date.now() − effectiveAt, on the machine that runs Redis) with changes falling due at 1,000/s.
 */
export async function runLatencyPhase(context: BenchContext): Promise<LatencyResult> {
  const changes = context.quick ? 3000 : 10_000;
  const progress = startPhase('latency', 1);
  progress.begin(`${changes} changes at ${1000 / SPACING_MS}/s, ${SUBSCRIBERS} subscribers`);
  const { redisUrl, nsqd } = context;
  const subscribers = Array.from({ length: SUBSCRIBERS }, (_, index) =>
    benchSubscriber(context, { topic: TOPIC, prefix: PREFIX, service: `bench${index}` }),
  );
  const scheduler = createScheduler({ redis: redisUrl, nsqd: nsqd.tcpAddress, topic: TOPIC, prefix: PREFIX });
  const timeoutMs = LEAD_MS + changes * SPACING_MS + 30_000;
  const published = new Countdown(changes, { timeoutMs, what: 'published events' });
  const applied = new Countdown(changes * SUBSCRIBERS, { timeoutMs, what: 'change events' });
  const publishedLagsMs: number[] = [];
  const publishedEventLagsMs: number[] = [];
  const appliedLagsMs: number[] = [];
  scheduler.on('published', (event) => {
    publishedLagsMs.push(event.lagMs);
    publishedEventLagsMs.push(Date.now() - event.effectiveAt);
    published.tick();
  });
  for (const subscriber of subscribers) {
    subscriber.on('change', (event) => {
      appliedLagsMs.push(Date.now() - event.effectiveAt);
      applied.tick();
    });
  }
  try {
    await Promise.all(subscribers.map((subscriber) => subscriber.ready()));
    await scheduler.start();
    const firstDueAt = Date.now() + LEAD_MS;
    await fillScheduler(scheduler, changes, (index) => ({
      change: { key: `latency-${index}`, value: index },
      options: { at: firstDueAt + index * SPACING_MS },
    }));
    await Promise.all([published.finished, applied.finished]);
  } finally {
    await scheduler.stop();
    await Promise.all(subscribers.map((subscriber) => subscriber.close()));
  }
  const result = {
    dueToPublishedP50Ms: percentile(publishedLagsMs, 50),
    dueToPublishedP99Ms: percentile(publishedLagsMs, 99),
    dueToPublishedMaxMs: Math.max(...publishedLagsMs),
    dueToPublishedEventP50Ms: percentile(publishedEventLagsMs, 50),
    dueToPublishedEventP99Ms: percentile(publishedEventLagsMs, 99),
    dueToAppliedP50Ms: percentile(appliedLagsMs, 50),
    dueToAppliedP99Ms: percentile(appliedLagsMs, 99),
    dueToAppliedMaxMs: Math.max(...appliedLagsMs),
    changes,
    changesPerSec: 1000 / SPACING_MS,
    subscribers: SUBSCRIBERS,
    curve: Array.from({ length: 100 }, (_, index) => ({
      percentile: index + 1,
      publishedMs: percentile(publishedLagsMs, index + 1),
      publishedEventMs: percentile(publishedEventLagsMs, index + 1),
      appliedMs: percentile(appliedLagsMs, index + 1),
    })),
  };
  progress.done();
  progress.finish(
    `published p50 ${result.dueToPublishedP50Ms} / p99 ${result.dueToPublishedP99Ms} ms, ` +
      `applied p50 ${result.dueToAppliedP50Ms} / p99 ${result.dueToAppliedP99Ms} ms`,
  );
  return result;
}
