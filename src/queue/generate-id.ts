import { randomBytes } from 'node:crypto';

/**
 * A random id for an item scheduled without one: 96 random bits as 16 base64url characters. Shorter
 * than a UUID (36) because Redis holds every id twice, in the sorted set and in the items hash.
 */
export function generateId(): string {
  return randomBytes(12).toString('base64url');
}
