import { setTimeout as sleep } from 'node:timers/promises';
import { HotconfError } from '../errors.js';

const FIRST_RETRY_DELAY_MS = 50;
const MAX_RETRY_DELAY_MS = 500;

/**
 * Runs `publish` until it succeeds, at most `retries` more times after the first failure, pausing 50 ms,
 * 100 ms, … up to 500 ms in between. Once an attempt succeeded the result stands even if `signal` was
 * aborted meanwhile: nsqd has the messages. After an abort no new attempt starts. A refusal is not
 * retried here: the same bytes would be refused again.
 */
export async function publishWithRetries(
  publish: () => Promise<void>,
  { retries, signal }: { retries: number; signal: AbortSignal },
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    let failure: unknown;
    try {
      await publish();
      return;
    } catch (error) {
      if (attempt >= retries || signal.aborted || isRefusal(error)) throw error;
      failure = error;
    }
    const delayMs = Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** attempt);
    await sleep(delayMs, undefined, { signal }).catch(() => {});
    // An abort during the pause ends the retries; the caller gives the batch back.
    if (signal.aborted) throw failure;
  }
}

/** A publish nsqd (or the publisher's own size limit) refused for what the messages are, not for an outage. */
export function isRefusal(error: unknown): boolean {
  return (
    error instanceof HotconfError &&
    (error.code === 'E_PUBLISH_REFUSED' || error.code === 'E_PAYLOAD_TOO_LARGE')
  );
}
