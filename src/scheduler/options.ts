import { DEFAULT_MAX_KEY_BYTES } from '../config/changes.js';
import { MPUB_MESSAGE_OVERHEAD_BYTES } from '../nsq/publisher.js';
import { MAX_BATCH } from '../queue/delay-queue.js';
import { assertIntegerInRange, assertTimerMs, MAX_TIMER_MS } from '../queue/validate.js';
import type { SchedulerOptions } from './types.js';

const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024; // nsqd's default --max-msg-size
const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024; // nsqd's default --max-body-size
const DEFAULT_LEASE_MS = 30_000;

/** The scheduler's options with every default filled in, each checked once, at createScheduler(). */
export interface ResolvedSchedulerOptions {
  leaseMs: number;
  batchSize: number;
  maxInFlight: number;
  maxMessageBytes: number;
  maxBodyBytes: number;
  maxKeyBytes: number;
  connectTimeoutMs: number;
  publishTimeoutMs: number;
  publishRetries: number;
  backoffMs: number;
  maxBackoffMs: number;
  reapIntervalMs: number;
  stopTimeoutMs: number;
  maxRefusedAttempts: number;
}

/** Throws E_INVALID_ARGUMENT for any option that is not usable as given; touches nothing. */
export function resolveSchedulerOptions(options: SchedulerOptions): ResolvedSchedulerOptions {
  const leaseMs = assertTimerMs(options.leaseMs ?? DEFAULT_LEASE_MS, 'leaseMs');
  const maxMessageBytes = assertIntegerInRange(
    options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    'maxMessageBytes',
    1,
  );
  // One MPUB body must hold the largest message schedule() accepts, or that message is refused for ever.
  const smallestBody = maxMessageBytes + MPUB_MESSAGE_OVERHEAD_BYTES;
  const maxBodyBytes = assertIntegerInRange(
    options.maxBodyBytes ?? Math.max(DEFAULT_MAX_BODY_BYTES, smallestBody),
    'maxBodyBytes',
    smallestBody,
  );
  const backoffMs = assertTimerMs(options.backoffMs ?? 200, 'backoffMs');
  return {
    leaseMs,
    batchSize: assertIntegerInRange(options.batchSize ?? 100, 'batchSize', 1, MAX_BATCH),
    maxInFlight: assertIntegerInRange(options.maxInFlight ?? 4, 'maxInFlight', 1),
    maxMessageBytes,
    maxBodyBytes,
    maxKeyBytes: assertIntegerInRange(options.maxKeyBytes ?? DEFAULT_MAX_KEY_BYTES, 'maxKeyBytes', 1),
    connectTimeoutMs: assertTimerMs(options.connectTimeoutMs ?? 2_000, 'connectTimeoutMs'),
    publishTimeoutMs: assertTimerMs(options.publishTimeoutMs ?? 5_000, 'publishTimeoutMs'),
    publishRetries: assertIntegerInRange(options.publishRetries ?? 2, 'publishRetries', 0),
    backoffMs,
    maxBackoffMs: assertIntegerInRange(
      options.maxBackoffMs ?? Math.max(30_000, backoffMs),
      'maxBackoffMs',
      backoffMs,
      MAX_TIMER_MS,
    ),
    reapIntervalMs: assertTimerMs(
      options.reapIntervalMs ?? Math.min(1_000, Math.ceil(leaseMs / 2)),
      'reapIntervalMs',
    ),
    stopTimeoutMs: assertTimerMs(options.stopTimeoutMs ?? 5_000, 'stopTimeoutMs'),
    maxRefusedAttempts: assertIntegerInRange(options.maxRefusedAttempts ?? 5, 'maxRefusedAttempts', 1),
  };
}
