import type { IncomingMessage } from 'node:http';
import { HotconfError, invalidArgument } from '../errors.js';

/** The names a dashboard on the loopback answers to when `allowedHosts` is not given. */
export const DEFAULT_ALLOWED_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The `Host` check against DNS rebinding: a website that points its own name at 127.0.0.1 makes the
 * browser send `Host: its.name`, so only names the dashboard is really reached by are served.
 * Names are compared without the port and case-insensitively; an IPv6 address may be given bare or in [].
 */
export class HostCheck {
  private readonly allowed: ReadonlySet<string>;

  constructor(allowedHosts: readonly string[]) {
    this.allowed = new Set(allowedHosts);
  }

  /** Throws E_HOST_NOT_ALLOWED unless the request's Host names an allowed host. */
  assertAllowed(req: IncomingMessage): void {
    const host = req.headers.host;
    const name = host === undefined ? undefined : hostName(host);
    if (name === undefined || !this.allowed.has(name)) {
      throw new HotconfError(
        'E_HOST_NOT_ALLOWED',
        `host ${JSON.stringify(host ?? '')} is not allowed; add it to the dashboard's allowedHosts`,
      );
    }
  }
}

/** `allowedHosts` checked and normalised, or the defaults. */
export function resolveAllowedHosts(allowedHosts: unknown): readonly string[] {
  if (allowedHosts === undefined) return DEFAULT_ALLOWED_HOSTS;
  const problem =
    'allowedHosts must be a non-empty list of host names without a port, e.g. ["config.example.com"]';
  if (!Array.isArray(allowedHosts) || allowedHosts.length === 0) throw invalidArgument(problem);
  return allowedHosts.map((entry: unknown) => {
    const bracketed =
      typeof entry === 'string' && entry.includes(':') && !entry.startsWith('[') ? `[${entry}]` : entry;
    const name = typeof bracketed === 'string' ? hostName(bracketed) : undefined;
    // Round-trips only for a bare name: a port, a scheme or a path makes it differ.
    if (name === undefined || name !== String(bracketed).toLowerCase()) {
      throw invalidArgument(`${problem} (got ${JSON.stringify(entry)})`);
    }
    return name;
  });
}

/** The host name of a Host header value (`name`, `name:port`, `[v6]:port`), lower-cased; undefined if malformed. */
function hostName(host: string): string | undefined {
  if (host === '' || /[/?#@\s]/.test(host)) return undefined;
  return URL.canParse(`http://${host}`) ? new URL(`http://${host}`).hostname : undefined;
}
