import type { ConfigChange } from '../index.js';
import { redactSecrets } from '../redis/redact.js';

/** Writes `doc` as one line of JSON under --json, else the human text. */
export function print(json: boolean | undefined, doc: unknown, text: () => string): void {
  process.stdout.write(`${json ? JSON.stringify(doc) : text()}\n`);
}

/** A problem that does not end the command (watch, scheduler): one line on stderr. */
export function warn(error: Error): void {
  const code = 'code' in error && typeof error.code === 'string' ? `${error.code}: ` : '';
  process.stderr.write(`hotconf: warning: ${code}${forStderr(error.message)}\n`);
}

/**
 * One line for stderr, with the Redis password masked wherever it appears: in a URL, or quoted bare by
 * a message hotconf does not write (ioredis's, Node's).
 */
export function forStderr(message: string): string {
  return redactSecrets(oneLine(message), redisPasswords());
}

/** The passwords of the Redis URLs this process was given, by --redis or HOTCONF_REDIS_URL. */
function redisPasswords(): string[] {
  const urls = [
    process.env.HOTCONF_REDIS_URL,
    ...process.argv.map((word) => word.replace(/^--redis=/, '')).filter((word) => /^rediss?:\/\//.test(word)),
  ];
  return urls.flatMap((url) => {
    const password = url && URL.canParse(url) ? new URL(url).password : '';
    return password ? [password, decodeURIComponent(password)] : [];
  });
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
