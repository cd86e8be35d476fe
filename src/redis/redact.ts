import type { Redis } from 'ioredis';

/** What stands in for a password wherever hotconf shows a URL or an error. */
const REDACTED = '***';

// scheme://user:password@ — the password is what goes; the user name stays, it helps tell URLs apart.
const URL_PASSWORD = /\b([a-z][\w+.-]*:\/\/[^\s/:@]*):[^\s/@]*@/gi;

/** `text` with the password of every URL in it replaced by `***`. */
export function redactUrls(text: string): string {
  return text.replace(URL_PASSWORD, `$1:${REDACTED}@`);
}

/** `text` with each of `secrets` (and every URL password) replaced by `***`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let redacted = redactUrls(text);
  for (const secret of secrets) if (secret !== '') redacted = redacted.split(secret).join(REDACTED);
  return redacted;
}

/** Commands whose arguments are credentials. */
const CREDENTIAL_COMMANDS = new Set(['auth', 'hello', 'migrate']);

interface CommandLike {
  name: string;
  args: unknown[];
  promise: Promise<unknown>;
}

/**
 * ioredis puts the failing command, arguments included, on each reply error (`error.command.args`):
 * for a refused AUTH that is the password, which then rides along in every error hotconf throws with
 * it as `cause`, and in every log line that prints the error. This blanks the arguments of credential
 * commands on the error itself, before anything else sees it (the handler is the first one attached).
 */
export function scrubCredentialErrors(client: Redis): void {
  const send = client.sendCommand.bind(client) as (command: CommandLike, ...rest: unknown[]) => unknown;
  (client as unknown as { sendCommand: typeof send }).sendCommand = (command, ...rest) => {
    if (CREDENTIAL_COMMANDS.has(command.name.toLowerCase())) {
      command.promise.catch((error: unknown) => {
        const failed = (error as { command?: { args?: unknown[] } } | null)?.command;
        if (failed?.args) failed.args = failed.args.map(() => REDACTED);
      });
    }
    return send(command, ...rest);
  };
}
