import { setTimeout as sleep } from 'node:timers/promises';
import { invalidArgument } from '../errors.js';
import {
  assertId,
  assertNonNegativeInteger,
  assertPositiveInteger,
  MAX_TIMER_MS,
} from '../queue/validate.js';
import type { RedisClient } from '../redis/connection.js';
import type { HotconfKeys } from '../redis/keys.js';
import { assertFleetQuery } from './fleet-query.js';
import { instanceMember, type InstanceRecord } from './instance-record.js';
import { readInstanceRecords } from './read-fleet.js';
import type { AppliedReport, WaitForAppliedOptions } from './types.js';

const DEFAULT_POLL_MS = 200;

/**
 * Waits until every instance reporting when the wait began has a receipt for change set `id`, reading
 * receipts every `pollMs`; resolves with those still missing at the timeout. An instance whose report
 * expires during the wait (stopped, hung or dead) stops the wait only once every other one has applied
 * the change, and is named in `missing`. An instance that became ready after the change's effective time
 * loaded it with the snapshot and is not waited for.
 */
export async function waitForApplied(
  redis: RedisClient,
  keys: HotconfKeys,
  id: string,
  options: WaitForAppliedOptions,
): Promise<AppliedReport> {
  assertId(id);
  if (typeof options !== 'object' || options === null) throw invalidArgument('options are required');
  const timeoutMs = assertNonNegativeInteger(options.timeoutMs, 'timeoutMs');
  const pollMs = assertPositiveInteger(options.pollMs ?? DEFAULT_POLL_MS, 'pollMs', MAX_TIMER_MS);
  const services = assertFleetQuery(options);
  const deadline = Date.now() + timeoutMs;
  const candidates = await readInstanceRecords(redis, keys, services);
  while (true) {
    const report = await readReceipts(redis, keys, id, candidates);
    const settled = report.missing.every((instance) => !instance.reporting);
    const remainingMs = deadline - Date.now();
    if (settled || remainingMs <= 0) return report;
    await sleep(Math.min(pollMs, remainingMs));
  }
}

/** One read of the change's receipts from `candidates` (one pipeline). */
async function readReceipts(
  redis: RedisClient,
  keys: HotconfKeys,
  id: string,
  candidates: readonly InstanceRecord[],
): Promise<AppliedReport> {
  const pipeline = redis.pipeline().zscore(keys.due, id).zscore(keys.fleetEffective, id);
  for (const candidate of candidates) {
    const member = instanceMember(candidate.service, candidate.instanceId);
    pipeline.zscore(keys.receipts(member), id).exists(keys.instance(member));
  }
  const replies = (await pipeline.exec()) ?? [];
  for (const [error] of replies) if (error) throw error;
  const value = (index: number): unknown => replies[index]?.[1];
  const dueAt = value(0) as string | null;
  const appliedEffectiveAt = value(1) as string | null;
  const effectiveAt = toNumber(dueAt ?? appliedEffectiveAt);
  const report: AppliedReport = { id, effectiveAt, instances: [], missing: [] };
  candidates.forEach((candidate, index) => {
    const appliedAt = toNumber(value(2 + 2 * index) as string | null);
    const reporting = value(3 + 2 * index) === 1;
    const { service, instanceId, host, pid } = candidate;
    if (appliedAt !== null) {
      const lagMs = effectiveAt === null ? null : appliedAt - effectiveAt;
      report.instances.push({ service, instanceId, appliedAt, lagMs });
    } else if (effectiveAt === null || candidate.readyAt <= effectiveAt) {
      report.missing.push({ service, instanceId, host, pid, lastSeenAt: candidate.reportedAt, reporting });
    }
  });
  return report;
}

function toNumber(reply: string | null): number | null {
  return reply === null ? null : Number(reply);
}
