import type { ConfigChange } from '../index.js';

/** Writes `doc` as one line of JSON under --json, else the human text. */
export function print(json: boolean | undefined, doc: unknown, text: () => string): void {
  process.stdout.write(`${json ? JSON.stringify(doc) : text()}\n`);
}

/** A problem that does not end the command (watch, scheduler): one line on stderr. */
export function warn(error: Error): void {
  const code = 'code' in error && typeof error.code === 'string' ? `${error.code}: ` : '';
  process.stderr.write(`hotconf: warning: ${code}${oneLine(error.message)}\n`);
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

export function time(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** A config value as JSON; `(unset)` for a key that has no value. */
export function showValue(value: unknown): string {
  return value === undefined ? '(unset)' : JSON.stringify(value);
}

/** `key=<JSON value>`, or `key deleted`. */
export function describeChange(change: ConfigChange): string {
  return 'deleted' in change ? `${change.key} deleted` : `${change.key}=${JSON.stringify(change.value)}`;
}
