/**
 * Resolves with the first SIGINT or SIGTERM. Both handlers are removed then, so a second signal ends
 * the process at once (Node's default) should the graceful shutdown hang.
 */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
