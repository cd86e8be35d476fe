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
  /** Change sets delivered by nsqd and applied per second: NSQ delivery, parsing and apply together. */
  opsPerSec: number;
  configKeys: number;
  changes: number;
  /** What this figure measures, since the pure apply step is not reachable through the public API. */
  measures: string;
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
      opsPerSec: perSecond(changes, elapsedMs),
      configKeys: CONFIG_KEYS,
      changes,
      measures: 'nsqd delivery + envelope parsing + version check + apply, one subscriber',
    };
    progress.done();
    progress.finish(`${result.opsPerSec} change sets/s delivered and applied`);
    return result;
  } finally {
    await subscriber.close();
  }
}

/** Envelopes `first` … `first + count - 1`, each setting one key to its number, each newer than the one before. */
async function publishEnvelopes(httpAddress: string, first: number, count: number): Promise<void> {
  const effectiveAt = Date.now();
  for (let start = first; start < first + count; start += MPUB_CHUNK) {
    const end = Math.min(first + count, start + MPUB_CHUNK);
    const bodies: string[] = [];
    for (let seq = start + 1; seq <= end; seq++) {
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
    await mpub(httpAddress, TOPIC, bodies);
  }
}
