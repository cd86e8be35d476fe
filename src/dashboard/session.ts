import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The login cookie's value: "<expires at, epoch ms>.<HMAC-SHA256 of that time, keyed by the token>".
 * It ends by itself after the session's lifetime, cannot be made or extended without the token, and
 * every session ends when the token changes. It never holds the token.
 */
export class SessionSigner {
  constructor(
    private readonly token: string,
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(): string {
    const expiresAt = this.now() + this.ttlMs;
    return `${expiresAt}.${this.sign(expiresAt)}`;
  }

  isValid(value: string): boolean {
    const dot = value.indexOf('.');
    const expiresAt = Number(value.slice(0, dot));
    if (dot < 1 || !Number.isSafeInteger(expiresAt) || expiresAt <= this.now()) return false;
    return safeEqual(value.slice(dot + 1), this.sign(expiresAt));
  }

  private sign(expiresAt: number): string {
    return createHmac('sha256', this.token)
      .update(`hotconf-dashboard-session:${expiresAt}`)
      .digest('base64url');
  }
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Compares in constant time, whatever the lengths. */
function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}
