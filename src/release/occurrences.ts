import { Cron } from 'croner';
import { invalidArgument } from '../errors.js';

const MAX_CRON_LENGTH = 256;

/** A validated cron expression with its IANA time zone (UTC when none is given). */
export interface CronSchedule {
  readonly cron: string;
  readonly timezone: string;
}

/**
 * Validates a cron expression (5 fields, or 6 with seconds first) and its time zone; throws
 * E_INVALID_ARGUMENT. Croner knows the IANA zones and their DST rules.
 */
export function assertCronSchedule(cron: unknown, timezone: unknown = 'UTC'): CronSchedule {
  if (typeof cron !== 'string' || cron.trim() === '' || cron.length > MAX_CRON_LENGTH) {
    throw invalidArgument(`cron must be a cron expression of at most ${MAX_CRON_LENGTH} characters`);
  }
  if (typeof timezone !== 'string' || timezone === '') {
    throw invalidArgument(`timezone must be an IANA time zone name such as Europe/Berlin`);
  }
  try {
    // Computing one run checks the zone too: croner reports an unknown zone only when it converts.
    if (buildCron(cron, timezone).nextRun(new Date(0)) === null) throw new Error('it never fires');
  } catch (error) {
    throw invalidArgument(
      `cron "${cron}" in time zone "${timezone}" is not usable: ${(error as Error).message}`,
    );
  }
  return { cron, timezone };
}

/**
 * The next `count` instants (epoch ms, ascending) strictly after `afterMs` at which the schedule fires.
 * A wall-clock time skipped by a DST change fires at the first instant after the gap; a time repeated
 * by one fires once.
 */
export function nextOccurrences({ cron, timezone }: CronSchedule, afterMs: number, count: number): number[] {
  return buildCron(cron, timezone)
    .nextRuns(count, new Date(afterMs))
    .map((date) => date.getTime());
}

function buildCron(cron: string, timezone: string): Cron {
  // legacyMode false: day-of-month and day-of-week both have to match, as they read.
  return new Cron(cron, { timezone, paused: true, legacyMode: false });
}
