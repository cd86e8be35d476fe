/** Stable error codes. Match on `err.code`, never on the message text. */
export type HotconfErrorCode =
  | 'E_INVALID_ARGUMENT'
  | 'E_PAYLOAD_TOO_LARGE'
  | 'E_CLOSED'
  | 'E_NOT_PENDING'
  | 'E_PUBLISH_FAILED'
  | 'E_PUBLISH_REFUSED'
  | 'E_UNPUBLISHABLE'
  | 'E_LISTENER_FAILED'
  | 'E_TIMEOUT'
  | 'E_REDIS'
  | 'E_MALFORMED_MESSAGE'
  | 'E_REJECTED'
  /**
   * The id names an item that was given up (dead): `retryDead()` or `purgeDead()` it first. Also the
   * scheduler's `error` event when its claim sent items it cannot decode to dead (ids and reasons named).
   */
  | 'E_DEAD'
  /** The prefix's keys are in a newer layout than this version of hotconf knows (src/redis/layout.ts). */
  | 'E_LAYOUT'
  /** The Redis server is older than 6.2 (hotconf's scripts need ZMSCORE). */
  | 'E_REDIS_VERSION'
  // The dashboard's: no or a wrong token, a mutation on a read-only dashboard, a page it does not have.
  | 'E_UNAUTHORIZED'
  /** The dashboard was asked under a Host name not in its allowedHosts (DNS rebinding). */
  | 'E_HOST_NOT_ALLOWED'
  | 'E_READ_ONLY'
  /** The dashboard refused a login: too many failed ones from that address lately. */
  | 'E_RATE_LIMITED'
  | 'E_NOT_FOUND'
  | 'E_UNKNOWN_REVISION'
  | 'E_REVISION_TRIMMED'
  | 'E_NOTHING_TO_ROLL_BACK'
  | 'E_HISTORY_OFF';

/** The one error type hotconf throws on purpose. `code` is stable across versions. */
export class HotconfError extends Error {
  override readonly name = 'HotconfError';
  readonly code: HotconfErrorCode;

  constructor(code: HotconfErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function invalidArgument(message: string): HotconfError {
  return new HotconfError('E_INVALID_ARGUMENT', message);
}
