import { invalidArgument } from '../errors.js';
import { assertIntegerInRange } from '../queue/validate.js';
import type { Logger } from '../logger.js';
import type { RedisOption } from '../redis/connection.js';

/** A token for the full dashboard, or a dashboard that shows and changes nothing. */
export type DashboardAuth = { token: string } | { readOnly: true };

export interface DashboardOptions {
  /** An ioredis Redis or Cluster (left open by `close()`) or a redis:// URL. */
  redis: RedisOption;
  prefix: string;
  /** The scheduler's NSQ topic. Default 'hotconf.changes'. */
  topic?: string;
  /** nsqd TCP address(es); not needed to show or schedule changes, passed on to the scheduler. */
  nsqd?: string | readonly string[];
  /**
   * The scheduler's history stream length, passed on: give the one the deployment's schedulers run with,
   * or a change scheduled here trims history to this one. 0: history off (no history or recurring pages).
   * Default 10,000.
   */
  historyLimit?: number;
  auth: DashboardAuth;
  /** How long a login lasts: its session cookie ends by itself then. Default 12 hours. */
  sessionTtlMs?: number;
  /** The path it is mounted under when the server hands it whole URLs (plain `http`), e.g. '/hotconf'. */
  basePath?: string;
  /**
   * Host names (no port) the dashboard answers to; any other `Host` header gets 403 E_HOST_NOT_ALLOWED,
   * which stops DNS rebinding. Default: localhost, 127.0.0.1, [::1]. Behind a proxy: its public name.
   */
  allowedHosts?: readonly string[];
  /** pino-compatible logger for unexpected errors; silent by default. */
  logger?: Logger;
}

export interface ResolvedAuth {
  /** undefined when read-only. */
  token: string | undefined;
}

const MIN_TOKEN_LENGTH = 16;

export function resolveAuth(auth: unknown): ResolvedAuth {
  if (typeof auth !== 'object' || auth === null) {
    throw invalidArgument('auth is required: { token } or { readOnly: true }');
  }
  const { token, readOnly } = auth as { token?: unknown; readOnly?: unknown };
  if (readOnly === true && token === undefined) return { token: undefined };
  if (readOnly !== undefined || typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH) {
    throw invalidArgument(
      `auth must be { token } with a token of at least ${MIN_TOKEN_LENGTH} characters, or { readOnly: true }`,
    );
  }
  return { token };
}

const DEFAULT_SESSION_TTL_MS = 12 * 3_600_000;
const MIN_SESSION_TTL_MS = 1_000;
const MAX_SESSION_TTL_MS = 30 * 24 * 3_600_000;

/** The session lifetime: 1 s to 30 days. */
export function resolveSessionTtlMs(ttlMs: unknown): number {
  return assertIntegerInRange(
    ttlMs ?? DEFAULT_SESSION_TTL_MS,
    'sessionTtlMs',
    MIN_SESSION_TTL_MS,
    MAX_SESSION_TTL_MS,
  );
}

export function resolveBasePath(basePath: unknown): string {
  if (basePath === undefined || basePath === '' || basePath === '/') return '';
  if (typeof basePath !== 'string' || !/^(\/[A-Za-z0-9._~-]+)+$/.test(basePath)) {
    throw invalidArgument(
      `basePath must look like /hotconf or /admin/config (got ${JSON.stringify(basePath)})`,
    );
  }
  return basePath;
}
