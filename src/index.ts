export { HotconfError, type HotconfErrorCode } from './errors.js';
export type { Logger } from './logger.js';
export { createDelayQueue, DelayQueue, MAX_BATCH, type QueueCounts } from './queue/delay-queue.js';
export type {
  ClaimedDeadItem,
  ClaimedItem,
  ClaimResult,
  DeadItem,
  DelayQueueOptions,
  LeaseRef,
  PendingItem,
  QueueStats,
  ScheduledItem,
  ScheduleInput,
} from './queue/types.js';
export { MAX_DELAY_MS, MAX_TIME_MS, type When } from './queue/validate.js';
export { createScheduler, Scheduler } from './scheduler/scheduler.js';
export type {
  CurrentConfig,
  LostEvent,
  PendingChange,
  PublishedEvent,
  RequeuedEvent,
  ScheduledChange,
  ScheduleOptions,
  SchedulerEvents,
  SchedulerOptions,
  SchedulerStats,
} from './scheduler/types.js';
export type { ChangeSetInput, ConfigChange } from './config/changes.js';
export type { ConflictEvent } from './release/conflict-watcher.js';
export type { HistoryEntry, HistoryEvent, HistoryWhy } from './release/history-entry.js';
export type { HistoryQuery } from './release/history-reader.js';
export type { RecurringChange, RecurringInput } from './release/recurring-definition.js';
export type { ReleaseOptions, RollbackOptions } from './release/release-control.js';
export type { ChangeKind } from './release/release-meta.js';
export type { KeyDiff, KeyState } from './release/revisions.js';
export type { Envelope, EnvelopeChange } from './config/envelope.js';
export type { Version } from './config/version.js';
export { createConfigSubscriber, ConfigSubscriber } from './subscriber/subscriber.js';
export type {
  AppliedEvent,
  ChangeEvent,
  ConfigSource,
  ConfigSubscriberOptions,
  ReadyResult,
  RejectedEvent,
  StaleEvent,
  SubscriberEvents,
  SubscriberStats,
} from './subscriber/types.js';
export type { FrozenConfig } from './subscriber/config-state.js';
export type {
  AppliedInstance,
  AppliedReport,
  FleetInstance,
  FleetQuery,
  FleetReportOptions,
  MissingInstance,
  WaitForAppliedOptions,
} from './fleet/types.js';
export { createRecipeBridge, RecipeBridge } from './recipe/bridge.js';
export type {
  BridgeMovedEvent,
  DeadMember,
  RecipeBridgeEvents,
  RecipeBridgeOptions,
} from './recipe/types.js';
export type { LegacyOptions } from './recipe/legacy-publishing.js';
export type { ScoreUnit } from './recipe/score-unit.js';
