import type { EventEmitter } from 'node:events';

/**
 * Calls each listener of `event` in turn, as `emit` would, but a listener that throws neither stops the
 * caller nor keeps the listeners after it from being called: its error goes to `onListenerError`.
 */
export function notifyListeners(
  emitter: EventEmitter,
  event: string,
  payload: unknown,
  onListenerError: (error: unknown) => void,
): void {
  // rawListeners: `once` wrappers included, so a once-listener is removed as emit would remove it.
  for (const listener of emitter.rawListeners(event) as ((payload: unknown) => void)[]) {
    try {
      listener.call(emitter, payload);
    } catch (error) {
      onListenerError(error);
    }
  }
}
