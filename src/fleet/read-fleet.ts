import { readRevision } from '../config/snapshot.js';
import type { RedisClient } from '../redis/connection.js';
import type { HotconfKeys } from '../redis/keys.js';
import { assertFleetQuery } from './fleet-query.js';
import { decodeInstanceRecord, type InstanceRecord } from './instance-record.js';
import type { FleetInstance, FleetQuery } from './types.js';

/** The instances whose report has not expired, by service and instance id. */
export async function readFleet(
  redis: RedisClient,
  keys: HotconfKeys,
  query: FleetQuery = {},
): Promise<FleetInstance[]> {
  const services = assertFleetQuery(query);
  const [records, revision] = await Promise.all([
    readInstanceRecords(redis, keys, services),
    readRevision(redis, keys),
  ]);
  return records.map((record) => ({
    service: record.service,
    instanceId: record.instanceId,
    host: record.host,
    pid: record.pid,
    version: record.version,
    revision: record.revision,
    lastChangeId: record.lastChangeId,
    lastAppliedAt: record.lastAppliedAt,
    lagRevisions: Math.max(0, revision - record.revision),
    stale: record.stale,
    lastSeenAt: record.reportedAt,
    readyAt: record.readyAt,
  }));
}

/** The live instances' records (of `services` only, when given), sorted by service then instance id. */
export async function readInstanceRecords(
  redis: RedisClient,
  keys: HotconfKeys,
  services?: ReadonlySet<string>,
): Promise<InstanceRecord[]> {
  const members = (await redis.zrange(keys.fleet, 0, -1)).filter(
    (member) => services === undefined || services.has(member.slice(0, member.indexOf('/'))),
  );
  if (members.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const member of members) pipeline.hgetall(keys.instance(member));
  const replies = (await pipeline.exec()) ?? [];
  const records: InstanceRecord[] = [];
  for (const [error, hash] of replies) {
    if (error) throw error;
    const record = decodeInstanceRecord(hash as Record<string, string>);
    if (record) records.push(record);
  }
  return records.sort(
    (a, b) => a.service.localeCompare(b.service) || a.instanceId.localeCompare(b.instanceId),
  );
}
