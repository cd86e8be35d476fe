import type { Scheduler } from 'hotconf';

/**
 * Collects a scheduler's `error` events, for a test that expects some: `unexpected()` lists those whose
 * code is not one the test allows, so an error of another kind fails the test instead of vanishing.
 */
export function expectErrors(
  scheduler: Scheduler,
  ...allowedCodes: string[]
): { readonly all: Error[]; unexpected(): Error[] } {
  const all: Error[] = [];
  scheduler.on('error', (error) => all.push(error));
  return {
    all,
    unexpected: () => all.filter((error) => !allowedCodes.includes((error as { code?: string }).code ?? '')),
  };
}
