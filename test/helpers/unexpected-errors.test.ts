import { afterAll, describe, expect, it } from 'vitest';
import { closeAllRedis, connectRedis } from './redis.js';
import { assertNoUnexpectedErrors } from './unexpected-errors.js';

afterAll(closeAllRedis);

describe('fixture errors', () => {
  it('an error on a connectRedis connection fails the check run after each test', async () => {
    const redis = connectRedis('redis://127.0.0.1:1');
    await expect.poll(() => redis.status).toBe('reconnecting');
    expect(assertNoUnexpectedErrors).toThrow(/Redis connection to redis:\/\/127.0.0.1:1: .*ECONNREFUSED/);
    redis.disconnect();
    expect(assertNoUnexpectedErrors).not.toThrow(); // reported once
  });

  it('errorsExpected keeps them out of it', async () => {
    const redis = connectRedis('redis://127.0.0.1:1', { errorsExpected: true });
    await expect.poll(() => redis.status).toBe('reconnecting');
    expect(assertNoUnexpectedErrors).not.toThrow();
  });
});
