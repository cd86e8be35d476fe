import type { FleetInstance } from './types.js';

/**
 * The Redis hash one instance reports, and how it is read back. Writer (reporter) and readers
 * (fleet, waitForApplied) share these field names: what `fleet()` shows of an instance, less what the
 * reader derives (its lag, and lastSeenAt, which is `reportedAt`).
 */
export type InstanceRecord = Omit<FleetInstance, 'lagRevisions' | 'lastSeenAt'> & {
  /** When it reported, by its clock (epoch ms). */
  reportedAt: number;
};

/** `<service>/<instanceId>`: both are in NSQ's channel alphabet, which has no '/'. */
export function instanceMember(service: string, instanceId: string): string {
  return `${service}/${instanceId}`;
}

export function encodeInstanceRecord(record: InstanceRecord): Record<string, string> {
  return {
    service: record.service,
    instanceId: record.instanceId,
    host: record.host,
    pid: String(record.pid),
    version: record.version,
    revision: String(record.revision),
    lastChangeId: record.lastChangeId ?? '',
    lastAppliedAt: record.lastAppliedAt === null ? '' : String(record.lastAppliedAt),
    stale: record.stale ? '1' : '0',
    reportedAt: String(record.reportedAt),
    readyAt: String(record.readyAt),
  };
}

/** undefined for a hash that expired (empty) or that this version cannot read. */
export function decodeInstanceRecord(hash: Record<string, string>): InstanceRecord | undefined {
  if (hash.service === undefined || hash.instanceId === undefined || hash.reportedAt === undefined) {
    return undefined;
  }
  return {
    service: hash.service,
    instanceId: hash.instanceId,
    host: hash.host ?? '',
    pid: Number(hash.pid ?? 0),
    version: hash.version ?? '',
    revision: Number(hash.revision ?? 0),
    lastChangeId: hash.lastChangeId || null,
    lastAppliedAt: hash.lastAppliedAt ? Number(hash.lastAppliedAt) : null,
    stale: hash.stale === '1',
    reportedAt: Number(hash.reportedAt),
    readyAt: Number(hash.readyAt ?? hash.reportedAt),
  };
}
