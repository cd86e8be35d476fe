import { invalidArgument } from '../errors.js';
import { assertPositiveInteger, MAX_TIMER_MS } from '../queue/validate.js';
import type { FleetReportOptions } from './types.js';

export interface ResolvedReportOptions {
  intervalMs: number;
  retentionMs: number;
  maxReceipts: number;
}

/** Validates the report options; undefined when reporting is off. Throws E_INVALID_ARGUMENT. */
export function resolveReportOptions(options: FleetReportOptions): ResolvedReportOptions | undefined {
  if (options.report !== undefined && typeof options.report !== 'boolean') {
    throw invalidArgument(`report must be a boolean (got ${String(options.report)})`);
  }
  const intervalMs = assertPositiveInteger(
    options.reportIntervalMs ?? 1_000,
    'reportIntervalMs',
    MAX_TIMER_MS,
  );
  const retentionMs = assertPositiveInteger(
    options.receiptRetentionMs ?? 10 * 60_000,
    'receiptRetentionMs',
    MAX_TIMER_MS,
  );
  const maxReceipts = assertPositiveInteger(options.maxReceipts ?? 10_000, 'maxReceipts', 1_000_000);
  return options.report === false ? undefined : { intervalMs, retentionMs, maxReceipts };
}
