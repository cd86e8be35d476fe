import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HotconfError } from '../errors.js';
import { LoginThrottle } from './login-throttle.js';
import { sha256, SessionSigner } from './session.js';

const COOKIE_NAME = 'hotconf_session';

/**
 * Who may read and who may change. With a token: every API request carries it, as `Authorization:
 * Bearer <token>` or as the login cookie (HttpOnly, SameSite=Strict; a session that ends by itself after
 * `sessionTtlMs`, signed with the token, never the token: ./session.ts). Failed logins are throttled per
 * client address (./login-throttle.ts). Read-only: reads are open and nothing changes, whatever is sent.
 *
 * Mutations are CSRF-safe three times over: the cookie is SameSite=Strict; they must be JSON
 * (`Content-Type: application/json` cannot be sent cross-site without a CORS preflight, which this
 * server never grants); and an `Origin` or `Sec-Fetch-Site` header naming another site is refused.
 */
export class AuthGate {
  private readonly tokenDigest: Buffer | undefined;
  private readonly sessions: SessionSigner | undefined;
  private readonly throttle = new LoginThrottle();

  constructor(token: string | undefined, sessionTtlMs: number) {
    this.tokenDigest = token === undefined ? undefined : sha256(token);
    this.sessions = token === undefined ? undefined : new SessionSigner(token, sessionTtlMs);
  }

  get readOnly(): boolean {
    return this.tokenDigest === undefined;
  }

  /** May this request read? */
  canRead(req: IncomingMessage): boolean {
    return this.readOnly || this.hasBearer(req) || this.hasSession(req);
  }

  /** Throws unless this request may read. */
  assertCanRead(req: IncomingMessage): void {
    if (!this.canRead(req)) throw unauthorized();
  }

  /** Throws unless this request may change something. */
  assertCanChange(req: IncomingMessage): void {
    if (this.readOnly) throw new HotconfError('E_READ_ONLY', 'this dashboard is read-only');
    this.assertCanRead(req);
    assertSameSiteJson(req);
  }

  /**
   * The Set-Cookie value for a login with `token`; throws E_UNAUTHORIZED for a wrong one, and
   * E_RATE_LIMITED while the client's address has failed too often.
   */
  login(req: IncomingMessage, token: unknown, path: string): string {
    if (this.readOnly || !this.sessions) {
      throw new HotconfError('E_READ_ONLY', 'this dashboard is read-only: no login');
    }
    assertSameSiteJson(req);
    const address = req.socket.remoteAddress ?? '';
    this.throttle.assertAllowed(address);
    if (typeof token !== 'string' || !this.matches(token)) {
      this.throttle.failed(address);
      throw unauthorized();
    }
    this.throttle.succeeded(address);
    const maxAgeS = Math.floor(this.sessions.ttlMs / 1000);
    return `${COOKIE_NAME}=${this.sessions.issue()}; ${cookieAttributes(req, path)}; Max-Age=${maxAgeS}`;
  }

  /** The Set-Cookie value that ends the session; same-site JSON only, or any site could log one out. */
  logout(req: IncomingMessage, path: string): string {
    assertSameSiteJson(req);
    return `${COOKIE_NAME}=; ${cookieAttributes(req, path)}; Max-Age=0`;
  }

  private hasBearer(req: IncomingMessage): boolean {
    const header = req.headers.authorization;
    return header?.startsWith('Bearer ') === true && this.matches(header.slice('Bearer '.length));
  }

  private hasSession(req: IncomingMessage): boolean {
    const cookie = readCookie(req.headers.cookie, COOKIE_NAME);
    return cookie !== undefined && this.sessions !== undefined && this.sessions.isValid(cookie);
  }

  private matches(token: string): boolean {
    return this.tokenDigest !== undefined && timingSafeEqual(sha256(token), this.tokenDigest);
  }
}

function unauthorized(): HotconfError {
  return new HotconfError('E_UNAUTHORIZED', 'log in, or send Authorization: Bearer <token>');
}

function assertSameSiteJson(req: IncomingMessage): void {
  const contentType = req.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new HotconfError('E_UNAUTHORIZED', 'changes must be sent as application/json');
  }
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new HotconfError('E_UNAUTHORIZED', 'cross-site request refused');
  }
  const origin = req.headers.origin;
  if (origin !== undefined && (!URL.canParse(origin) || new URL(origin).host !== req.headers.host)) {
    throw new HotconfError('E_UNAUTHORIZED', 'cross-origin request refused');
  }
}

function cookieAttributes(req: IncomingMessage, path: string): string {
  const secure = (req.socket as { encrypted?: boolean }).encrypted ? '; Secure' : '';
  return `Path=${path}; HttpOnly; SameSite=Strict${secure}`;
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
