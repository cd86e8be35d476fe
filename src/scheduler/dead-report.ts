import { HotconfError } from '../errors.js';
import type { ClaimedDeadItem } from '../queue/types.js';

/** Ids named in one report; the rest are counted (a claim can send up to a whole batch to dead). */
const NAMED_AT_MOST = 20;

/**
 * The `error` event (E_DEAD) for the items one claim sent to dead: poison an operator must hear of, since
 * nothing else on the prefix will (the scheduler never gives up on a change of its own).
 */
export function deadItemsError(dead: readonly ClaimedDeadItem[]): HotconfError {
  const named = dead.slice(0, NAMED_AT_MOST).map(({ id, reason }) => `${id} (${reason})`);
  const more = dead.length > NAMED_AT_MOST ? ` and ${dead.length - NAMED_AT_MOST} more` : '';
  return new HotconfError(
    'E_DEAD',
    `the claim sent ${dead.length} item(s) it cannot decode to dead: ${named.join(', ')}${more}; ` +
      'dead() lists them, retryDead() or purgeDead() clears them',
  );
}
