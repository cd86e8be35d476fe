/** The subset of a pino/console-style logger hotconf writes to. Silent unless one is passed. */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

const ignore = (): void => {};

export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };

/** Wraps a caller's logger so that a method that throws is ignored: logging never stops hotconf. */
export function guardLogger(logger: Logger): Logger {
  const guard =
    (level: keyof Logger) =>
    (obj: object | string, msg?: string): void => {
      try {
        logger[level](obj, msg);
      } catch {
        // A broken logger has nowhere to report to; the work it was logging goes on.
      }
    };
  return { debug: guard('debug'), info: guard('info'), warn: guard('warn'), error: guard('error') };
}
