import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../src/dashboard/login-throttle.js';
import { SessionSigner } from '../../src/dashboard/session.js';

describe('dashboard sessions', () => {
  const TOKEN = 'correct-horse-battery-staple';

  it('are valid until they expire, and only as issued, with this token', () => {
    let now = 1_764_547_200_000;
    const signer = new SessionSigner(TOKEN, 60_000, () => now);
    const session = signer.issue();
    expect(session).not.toContain(TOKEN);
    expect(signer.isValid(session)).toBe(true);
    now += 59_999;
    expect(signer.isValid(session)).toBe(true);
    now += 1;
    expect(signer.isValid(session)).toBe(false);
    now -= 60_000;
    const [expiresAt, signature] = session.split('.');
    for (const forged of [
      `${Number(expiresAt) + 1}.${signature}`,
      `${expiresAt}.${signature!.slice(1)}`,
      new SessionSigner('another-token-of-16+', 60_000, () => now).issue(),
      '',
      '.',
      'x.y',
      `${expiresAt}`,
      `-1.${signature}`,
      `1e20.${signature}`,
    ]) {
      expect(signer.isValid(forged)).toBe(false);
    }
  });
});

describe('dashboard login throttle', () => {
  it('refuses an address after maxFailures within the window, until it has passed', () => {
    let now = 0;
    const throttle = new LoginThrottle(3, 60_000, 100, () => now);
    for (let i = 0; i < 3; i++) {
      throttle.assertAllowed('10.0.0.1');
      throttle.failed('10.0.0.1');
    }
    expect(() => throttle.assertAllowed('10.0.0.1')).toThrow(
      expect.objectContaining({ code: 'E_RATE_LIMITED', message: expect.stringContaining('60 s') }),
    );
    throttle.assertAllowed('10.0.0.2'); // other addresses are not held back
    now += 59_999;
    expect(() => throttle.assertAllowed('10.0.0.1')).toThrow(
      expect.objectContaining({ code: 'E_RATE_LIMITED' }),
    );
    now += 1;
    throttle.assertAllowed('10.0.0.1');
  });

  it('forgets an address on success, and remembers at most maxAddresses', () => {
    const throttle = new LoginThrottle(2, 60_000, 3, () => 0);
    throttle.failed('a');
    throttle.succeeded('a');
    throttle.failed('a');
    throttle.assertAllowed('a');
    throttle.failed('a'); // two failures since the success: held back
    expect(() => throttle.assertAllowed('a')).toThrow(expect.objectContaining({ code: 'E_RATE_LIMITED' }));
    for (const address of ['b', 'c', 'd']) throttle.failed(address); // 'a' is the oldest: dropped
    throttle.assertAllowed('a');
  });
});
