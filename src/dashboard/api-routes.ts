import { invalidArgument } from '../errors.js';
import type { Scheduler } from '../scheduler/scheduler.js';

export interface RouteContext {
  query: URLSearchParams;
  /** The JSON body of a POST. */
  body: Record<string, unknown>;
  /** What the route's pattern captured. */
  params: string[];
}

export interface ApiRoute {
  method: 'GET' | 'POST';
  /** Matched against the path after `api/`. */
  pattern: RegExp;
  handle(context: RouteContext): Promise<unknown>;
}

/** Which release-control pages work: all with history on, none with historyLimit 0 (E_HISTORY_OFF). */
export function releaseFeatures(historyOn: boolean): Record<'history' | 'recurring', boolean> {
  return { history: historyOn, recurring: historyOn };
}

/**
 * The dashboard's API: each route one call of the scheduler's public API, with arguments taken from
 * the query or body as they are, so that the scheduler's own validation (and its error codes) applies.
 */
export function apiRoutes(scheduler: Scheduler, historyOn: boolean): ApiRoute[] {
  return [
    {
      method: 'GET',
      pattern: /^pending$/,
      handle: ({ query }) => scheduler.pending({ limit: integerParam(query, 'limit') ?? 100 }),
    },
    {
      method: 'POST',
      pattern: /^pending\/cancel$/,
      handle: async ({ body }) => ({ cancelled: await scheduler.cancel(body.id as string) }),
    },
    {
      method: 'POST',
      pattern: /^pending\/reschedule$/,
      handle: ({ body }) => scheduler.reschedule(body.id as string, when(body)),
    },
    {
      method: 'POST',
      pattern: /^schedule$/,
      handle: ({ body }) =>
        scheduler.schedule(
          { changes: body.changes as never },
          { ...when(body), id: optional(body.id), ...byDashboard(historyOn, body) },
        ),
    },
    { method: 'GET', pattern: /^config$/, handle: () => scheduler.current() },
    { method: 'GET', pattern: /^stats$/, handle: () => scheduler.stats() },
    { method: 'GET', pattern: /^fleet$/, handle: () => scheduler.fleet() },
    {
      method: 'GET',
      pattern: /^changes\/([^/]+)$/,
      handle: ({ params }) => scheduler.waitForApplied(params[0]!, { timeoutMs: 0 }),
    },
    {
      method: 'GET',
      pattern: /^history$/,
      handle: ({ query }) =>
        scheduler.history({
          ...(query.get('key') ? { key: query.get('key')! } : {}),
          ...(query.get('id') ? { id: query.get('id')! } : {}),
          limit: integerParam(query, 'limit') ?? 100,
        }),
    },
    {
      method: 'GET',
      pattern: /^diff$/,
      handle: ({ query }) =>
        scheduler.diff(integerParam(query, 'from') ?? 0, integerParam(query, 'to') ?? undefined),
    },
    {
      method: 'POST',
      pattern: /^rollback$/,
      handle: ({ body }) =>
        scheduler.rollback({ toRevision: body.toRevision as number }, byDashboard(historyOn, body)),
    },
    { method: 'GET', pattern: /^recurring$/, handle: () => scheduler.recurring() },
    {
      method: 'POST',
      pattern: /^recurring\/cancel$/,
      handle: async ({ body }) => ({ cancelled: await scheduler.cancelRecurring(body.id as string) }),
    },
  ];
}

/**
 * Who and why, for history: the actor is the dashboard (it knows a token, not a person) and the reason
 * what the form said. Only where the scheduler records history, which it refuses them without.
 */
function byDashboard(
  recordsHistory: boolean,
  body: Record<string, unknown>,
): { actor?: string; reason?: string } {
  if (!recordsHistory) return {};
  const reason = optional<string>(body.reason);
  return { actor: 'dashboard', ...(reason === undefined ? {} : { reason }) };
}

/** `at` (epoch ms) or `delayMs` from a body, passed on unchecked: the scheduler checks them. */
function when(body: Record<string, unknown>): { at?: number; delayMs?: number } {
  return { at: optional(body.at), delayMs: optional(body.delayMs) };
}

function optional<T>(value: unknown): T | undefined {
  return value === null || value === undefined || value === '' ? undefined : (value as T);
}

function integerParam(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null || text === '') return undefined;
  if (!/^\d+$/.test(text))
    throw invalidArgument(`${name} must be a whole number (got ${JSON.stringify(text)})`);
  return Number(text);
}
