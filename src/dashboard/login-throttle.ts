import { HotconfError } from '../errors.js';

/**
 * Failed logins per client address: after `maxFailures` within `windowMs` of the first, logins from that
 * address are refused with E_RATE_LIMITED until the window has passed, the right token included, so a
 * token cannot be guessed at network speed. A success forgets the address. At most `maxAddresses` are
 * remembered (the oldest go first), so a flood of addresses costs bounded memory.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly maxFailures = 10,
    private readonly windowMs = 60_000,
    private readonly maxAddresses = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  assertAllowed(address: string): void {
    const entry = this.current(address);
    if (entry && entry.count >= this.maxFailures) {
      const waitS = Math.ceil((entry.since + this.windowMs - this.now()) / 1000);
      throw new HotconfError('E_RATE_LIMITED', `too many failed logins: try again in ${waitS} s`);
    }
  }

  failed(address: string): void {
    const entry = this.current(address) ?? { count: 0, since: this.now() };
    entry.count++;
    this.failures.delete(address); // re-inserted last: the Map's order is oldest first
    this.failures.set(address, entry);
    if (this.failures.size > this.maxAddresses) {
      this.failures.delete(this.failures.keys().next().value as string);
    }
  }

  succeeded(address: string): void {
    this.failures.delete(address);
  }

  private current(address: string): { count: number; since: number } | undefined {
    const entry = this.failures.get(address);
    if (entry && this.now() - entry.since >= this.windowMs) {
      this.failures.delete(address);
      return undefined;
    }
    return entry;
  }
}
