import type { AppliedReport, Scheduler, ScheduledChange } from '../../index.js';
import { time } from '../output.js';
import { UsageError } from '../usage.js';
import { parseDuration } from '../values.js';

/** The flags `schedule` takes to wait for the instances to apply what it scheduled. */
export const WAIT_OPTIONS = {
  wait: { type: 'boolean' },
  timeout: { type: 'string' },
} as const;

export const WAIT_HELP = `  --wait            wait until every reporting instance applied it; print when each did, exit 1
                    if one did not
  --timeout DURATION  how long --wait waits (default 10s)`;

const DEFAULT_TIMEOUT_MS = 10_000;

export function parseWaitTimeout({ wait, timeout }: { wait?: boolean; timeout?: string }): number {
  if (timeout !== undefined && !wait) throw new UsageError('--timeout goes with --wait');
  return timeout === undefined ? DEFAULT_TIMEOUT_MS : parseDuration(timeout, '--timeout');
}

/** Waits for the instances; the exit code says whether one is missing. */
export async function waitForInstances(
  scheduler: Scheduler,
  scheduled: ScheduledChange,
  timeoutMs: number,
): Promise<AppliedReport> {
  const report = await scheduler.waitForApplied(scheduled.id, { timeoutMs });
  if (report.missing.length > 0) process.exitCode = 1;
  return report;
}

/** One line per instance: when it applied the change set, or that it is missing. */
export function describeReport(report: AppliedReport): string {
  const applied = report.instances.map(
    (instance) =>
      `  ${instance.service}/${instance.instanceId}  applied ${time(instance.appliedAt)}` +
      (instance.lagMs === null ? '' : `  (${instance.lagMs} ms after its time)`),
  );
  const missing = report.missing.map(
    (instance) =>
      `  ${instance.service}/${instance.instanceId}  MISSING  (${instance.host} pid ${instance.pid}, ` +
      `${instance.reporting ? 'reporting' : 'stopped reporting'}, last seen ${time(instance.lastSeenAt)})`,
  );
  const summary =
    report.instances.length + report.missing.length === 0
      ? 'no instances reporting'
      : `${report.instances.length} applied, ${report.missing.length} missing`;
  return [summary, ...applied, ...missing].join('\n');
}
