const unexpected: { source: string; error: unknown }[] = [];

/**
 * An 'error' listener for a test fixture (a Redis connection, an NSQ reader) whose errors mean the test
 * went wrong: it keeps them for `assertNoUnexpectedErrors`, which fails the test after it ran, rather
 * than throwing them away. A fixture in a fault test, where errors are the point, is made with
 * `errorsExpected` instead and has no such listener.
 */
export function recordUnexpectedError(source: string): (error: unknown) => void {
  return (error) => unexpected.push({ source, error });
}

/** Run after each test (useServices does): fails it on any error recorded since the last check. */
export function assertNoUnexpectedErrors(): void {
  const found = unexpected.splice(0).map(({ source, error }) => `${source}: ${String(error)}`);
  if (found.length > 0) throw new Error(`unexpected errors from test fixtures:\n${found.join('\n')}`);
}
