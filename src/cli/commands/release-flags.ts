import { hostname, userInfo } from 'node:os';
import { parseDuration, parseIsoDate, parsePositiveInteger } from '../values.js';
import { UsageError } from '../usage.js';

/** --actor and --reason, for every command that schedules a change. */
export const WHO_OPTIONS = {
  actor: { type: 'string' },
  reason: { type: 'string' },
} as const;

export const WHO_HELP = `  --actor NAME      who makes the change, recorded in history (default $USER@hostname)
  --reason TEXT     why, recorded in history`;

/**
 * --actor, else $USER@hostname; --reason when given. With history off (historyLimit 0) there is nowhere
 * to record who, so no default actor: only a given --actor or --reason is passed (the scheduler refuses it).
 */
export function who(
  values: { actor?: string; reason?: string },
  historyLimit?: number,
): { actor?: string; reason?: string } {
  const actor =
    values.actor ?? (historyLimit === 0 ? undefined : `${process.env.USER ?? safeUserName()}@${hostname()}`);
  return {
    ...(actor === undefined ? {} : { actor }),
    ...(values.reason === undefined ? {} : { reason: values.reason }),
  };
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** `--until ISO` or `--for DURATION` (from when the change takes effect): a time-boxed change. */
export function parseTimeBox(values: {
  until?: string;
  for?: string;
}): { until: Date } | { durationMs: number } | Record<never, never> {
  if (values.until !== undefined && values.for !== undefined)
    throw new UsageError('give either --until or --for, not both');
  if (values.until !== undefined) return { until: parseIsoDate(values.until, '--until') };
  if (values.for !== undefined) return { durationMs: parseDuration(values.for, '--for') };
  return {};
}

/** A revision on the command line: 0 or a whole number. */
export function parseRevision(text: string, what: string): number {
  return text === '0' ? 0 : parsePositiveInteger(text, what);
}
