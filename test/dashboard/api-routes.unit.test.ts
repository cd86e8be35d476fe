import { describe, expect, it } from 'vitest';
import { apiRoutes, releaseFeatures } from '../../src/dashboard/api-routes.js';
import type { Scheduler } from '../../src/index.js';

/** Runs the route matching `method path` against `scheduler` (a stand-in recording its calls). */
async function call(
  scheduler: object,
  method: 'GET' | 'POST',
  path: string,
  {
    query = '',
    body = {},
    historyOn = true,
  }: { query?: string; body?: Record<string, unknown>; historyOn?: boolean } = {},
): Promise<unknown> {
  const route = apiRoutes(scheduler as Scheduler, historyOn).find(
    (candidate) => candidate.method === method && candidate.pattern.test(path),
  )!;
  const params = route.pattern.exec(path)!.slice(1);
  return route.handle({ query: new URLSearchParams(query), body, params });
}

describe('dashboard API routes (unit, stand-in scheduler)', () => {
  it('passes history, diff, rollback and recurring calls to release control as given', async () => {
    const calls: unknown[][] = [];
    const record =
      (name: string, result: unknown) =>
      async (...args: unknown[]) => {
        calls.push([name, ...args]);
        return result;
      };
    const scheduler = {
      history: record('history', [{ event: 'applied' }]),
      diff: record('diff', [{ key: 'k' }]),
      rollback: record('rollback', { id: 'rb' }),
      recurring: record('recurring', []),
      cancelRecurring: record('cancelRecurring', true),
    };
    expect(releaseFeatures(true)).toEqual({ history: true, recurring: true });
    expect(releaseFeatures(false)).toEqual({ history: false, recurring: false });
    expect(await call(scheduler, 'GET', 'history', { query: 'key=switch&id=c1&limit=5' })).toEqual([
      { event: 'applied' },
    ]);
    expect(await call(scheduler, 'GET', 'diff', { query: 'from=3&to=4' })).toEqual([{ key: 'k' }]);
    expect(await call(scheduler, 'POST', 'rollback', { body: { toRevision: 3 } })).toEqual({ id: 'rb' });
    // With history off (historyLimit 0) no actor is sent: the scheduler would refuse it.
    expect(await call(scheduler, 'POST', 'rollback', { body: { toRevision: 2 }, historyOn: false })).toEqual({
      id: 'rb',
    });
    expect(await call(scheduler, 'POST', 'recurring/cancel', { body: { id: 'nightly' } })).toEqual({
      cancelled: true,
    });
    expect(calls).toEqual([
      ['history', { key: 'switch', id: 'c1', limit: 5 }],
      ['diff', 3, 4],
      ['rollback', { toRevision: 3 }, { actor: 'dashboard' }],
      ['rollback', { toRevision: 2 }, {}],
      ['cancelRecurring', 'nightly'],
    ]);
  });

  it('answers E_INVALID_ARGUMENT for a number that is not one, before calling the scheduler', async () => {
    await expect(call({ diff: async () => [] }, 'GET', 'diff', { query: 'from=x' })).rejects.toMatchObject({
      code: 'E_INVALID_ARGUMENT',
    });
  });
});
