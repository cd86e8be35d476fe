import layoutLua from '../../lua/includes/layout.lua';
import { HotconfError } from '../errors.js';
import type { RedisClient } from './connection.js';
import type { HotconfKeys } from './keys.js';
import { runScript } from './scripts.js';

/**
 * The layout of a prefix's keys, kept in `{p}:meta` field `layout` (the number lives in
 * lua/includes/layout.lua, which the scripts write):
 *   1  hotconf before layout versions (no `layout` field).
 *   2  retained ids, change sets in effect awaiting republish, dead reasons, meta `appliedAt`.
 * A newer hotconf upgrades an older layout in place, atomically (lua/upgrade-layout.lua); a hotconf that
 * finds a newer layout than it knows refuses to touch it (E_LAYOUT).
 */
export const LAYOUT_VERSION = Number(/layoutVersion = (\d+)/.exec(layoutLua)![1]);

const ensured = new WeakMap<RedisClient, Map<string, Promise<void>>>();

/** Upgrades the prefix to LAYOUT_VERSION once per connection; E_LAYOUT when it is newer. */
export function ensureLayout(redis: RedisClient, keys: HotconfKeys): Promise<void> {
  let byPrefix = ensured.get(redis);
  if (byPrefix === undefined) {
    byPrefix = new Map();
    ensured.set(redis, byPrefix);
  }
  let upgrade = byPrefix.get(keys.meta);
  if (upgrade === undefined) {
    upgrade = runScript(redis, 'upgradeLayout', keys.all, []).then((reply) =>
      refuseNewerLayout(Number((reply as number[])[0]), keys),
    );
    byPrefix.set(keys.meta, upgrade);
    const forget = byPrefix;
    upgrade.catch(() => forget.delete(keys.meta));
  }
  return upgrade;
}

/**
 * E_LAYOUT when `found` (meta 'layout') is newer than this code knows. Readers that never write (the
 * subscriber, through src/config/snapshot.ts) check with this instead of upgrading.
 */
export function refuseNewerLayout(found: number, keys: HotconfKeys): void {
  if (found > LAYOUT_VERSION) {
    throw new HotconfError(
      'E_LAYOUT',
      `the keys under ${keys.meta.slice(0, -':meta'.length)} are in layout ${found}, written by a newer ` +
        `hotconf; this version knows layouts up to ${LAYOUT_VERSION}: upgrade hotconf`,
    );
  }
}
