// The one phase that reaches past the public API: a service's apply step has no entry point of its own
// (it runs inside the subscriber's NSQ handler), so it is timed on the modules that handler calls.
import { parseEnvelope } from '../../src/config/envelope.js';
import { ConfigState, updatesFromEnvelope } from '../../src/subscriber/config-state.js';
import type { BenchContext } from '../lib/context.js';
import { Countdown } from '../lib/countdown.js';
import { mpub, setChannelPaused } from '../lib/nsqd-http.js';
import { startPhase } from '../lib/progress.js';
import { benchSubscriber } from '../lib/subscriber.js';
import { perSecond } from '../lib/stats.js';

const PREFIX = 'bench-apply';
const TOPIC = 'bench-apply';
const CONFIG_KEYS = 10_000;
const MPUB_CHUNK = 5000;

export interface ApplyRateResult {
  /** Change sets applied per second in process: parse, version check and swap, no transport. */
  opsPerSec: number;
  /** Change sets delivered by nsqd and applied per second by a running subscriber. */
  deliveredOpsPerSec: number;
  configKeys: number;
  changes: number;
}

/**
 * A subscriber's delivered+applied rate for a config of CONFIG_KEYS keys. The config is first filled one
 * key per change set; then N one-key change sets (each newer than the last) are published with
 * nsqd's HTTP /mpub into the subscriber's paused channel, and the clock runs from unpausing it until the
 * subscriber announced the last change.
 */
export async function runApplyRatePhase(context: BenchContext): Promise<ApplyRateResult> {
  const { changes, nsqd } = context;
  const progress = startPhase('applyRate', 1);
  progress.begin(`${changes} change sets into a ${CONFIG_KEYS}-key config`);
  const subscriber = benchSubscriber(context, { topic: TOPIC, prefix: PREFIX, service: 'bench' });
  let changed = new Countdown(CONFIG_KEYS, { timeoutMs: 60_000, what: 'config fill' });
  subscriber.on('change', () => changed.tick());
  try {
    await subscriber.ready();
    await publishEnvelopes(nsqd.httpAddress, 0, CONFIG_KEYS);
    await changed.finished;

    changed = new Countdown(changes, { timeoutMs: 120_000, what: 'applied change sets' });
    await setChannelPaused(nsqd.httpAddress, TOPIC, subscriber.channel, true);
    await publishEnvelopes(nsqd.httpAddress, CONFIG_KEYS, changes);
    const startedAt = performance.now();
    await setChannelPaused(nsqd.httpAddress, TOPIC, subscriber.channel, false);
    const elapsedMs = (await changed.finished) - startedAt;
    const result = {
      opsPerSec: inProcessApplyRate(changes),
      deliveredOpsPerSec: perSecond(changes, elapsedMs),
      configKeys: CONFIG_KEYS,
      changes,
    };
    progress.done();
    progress.finish(
      `${result.opsPerSec} change sets/s applied in process, ${result.deliveredOpsPerSec}/s delivered by nsqd and applied`,
    );
    return result;
  } finally {
    await subscriber.close();
  }
}

/**
 * What the subscriber does with each message body, without NSQ: parse the envelope, keep the updates
 * newer than what is held, commit them (the swap). Over a config filled to CONFIG_KEYS keys first.
 */
function inProcessApplyRate(changes: number): number {
  const state = new ConfigState();
  const apply = (body: string): void => {
    state.commit(state.newer(updatesFromEnvelope(parseEnvelope(body))));
  };
  envelopeBodies(0, CONFIG_KEYS, Date.now()).forEach(apply);
  const bodies = envelopeBodies(CONFIG_KEYS, changes, Date.now());
  const startedAt = performance.now();
  bodies.forEach(apply);
  return perSecond(changes, performance.now() - startedAt);
}

/** Publishes `envelopeBodies(first, count)` with nsqd's /mpub. */
async function publishEnvelopes(httpAddress: string, first: number, count: number): Promise<void> {
  const bodies = envelopeBodies(first, count, Date.now());
  for (let start = 0; start < bodies.length; start += MPUB_CHUNK) {
    await mpub(httpAddress, TOPIC, bodies.slice(start, start + MPUB_CHUNK));
  }
}

/** Envelopes `first` … `first + count - 1`, each setting one key to its number, each newer than the one before. */
function envelopeBodies(first: number, count: number, effectiveAt: number): string[] {
  const bodies: string[] = [];
  for (let seq = first + 1; seq <= first + count; seq++) {
    const change = { key: `key-${seq % CONFIG_KEYS}`, value: seq };
    bodies.push(
      JSON.stringify({
        v: 1,
        id: `apply-${seq}`,
        seq,
        effectiveAt,
        publishedAt: effectiveAt,
        changes: [change],
      }),
    );
  }
  return bodies;
}
