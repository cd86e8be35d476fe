/** Options of a subscriber's fleet report (part of `createConfigSubscriber`'s options). */
export interface FleetReportOptions {
  /** Report this instance and its apply receipts to Redis, for `fleet()` and `waitForApplied()`. Default true. */
  report?: boolean;
  /** At most one Redis round trip per this many ms, whatever the change rate. Default 1000. */
  reportIntervalMs?: number;
  /** How long receipts are kept in Redis. Default 10 minutes. */
  receiptRetentionMs?: number;
  /** Most receipts kept per instance, in Redis and in memory between two reports. Default 10,000. */
  maxReceipts?: number;
}

/** One subscriber instance as its last report described it. */
export interface FleetInstance {
  service: string;
  instanceId: string;
  host: string;
  pid: number;
  /** hotconf's version in that instance. */
  version: string;
  /** The snapshot revision the instance last loaded or confirmed (by reconcile). */
  revision: number;
  /** The last change set it applied (or found superseded), and when, by its clock (epoch ms). */
  lastChangeId: string | null;
  lastAppliedAt: number | null;
  /** The snapshot's revision now minus `revision`. */
  lagRevisions: number;
  /** The instance said its config has not been confirmed by Redis for its `staleAfterMs`. */
  stale: boolean;
  /** When it reported last, by its clock (epoch ms). */
  lastSeenAt: number;
  /** When it first had a config, by its clock (epoch ms). */
  readyAt: number;
}

export interface FleetQuery {
  /** Only these services. */
  services?: readonly string[];
}

export interface WaitForAppliedOptions extends FleetQuery {
  /** Resolve with the instances still missing after this long. 0 reads once and resolves. */
  timeoutMs: number;
  /** How often receipts are read while waiting. Default 200 ms. */
  pollMs?: number;
}

export interface AppliedInstance {
  service: string;
  instanceId: string;
  /** When the instance applied the change set (or found it superseded), by its clock (epoch ms). */
  appliedAt: number;
  /** appliedAt - effectiveAt; null while the effective time is unknown. */
  lagMs: number | null;
}

export interface MissingInstance {
  service: string;
  instanceId: string;
  host: string;
  pid: number;
  lastSeenAt: number;
  /** False once its report expired during the wait: it stopped reporting (stopped, hung or died). */
  reporting: boolean;
}

export interface AppliedReport {
  id: string;
  /** The change's effective time (epoch ms, Redis clock); null when neither pending nor applied anywhere. */
  effectiveAt: number | null;
  instances: AppliedInstance[];
  missing: MissingInstance[];
}
