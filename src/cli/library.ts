/**
 * The library (with ioredis and nsqjs, most of the CLI's start-up time), loaded only once the command
 * line has been checked, so that help and usage errors answer at once.
 */
export function loadLibrary(): Promise<typeof import('../index.js')> {
  return import('../index.js');
}

/** Duck-typed so that reporting an error never needs the library loaded. */
export function isHotconfError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && error.name === 'HotconfError';
}
