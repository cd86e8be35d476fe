export { HotconfError, type HotconfErrorCode } from './errors.js';
export type { Logger } from './logger.js';
export { createDelayQueue, DelayQueue, MAX_BATCH } from './queue/delay-queue.js';
export type {
  ClaimedItem,
  ClaimResult,
  DelayQueueOptions,
  LeaseRef,
  PendingItem,
  QueueStats,
  ScheduledItem,
  ScheduleInput,
} from './queue/types.js';
export type { When } from './queue/validate.js';
