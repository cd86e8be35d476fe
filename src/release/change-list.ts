import { decodeChangeSet } from '../config/change-set-codec.js';
import { toConfigChange, type ConfigChange } from '../config/changes.js';

/**
 * A change list as history entries and recurring definitions hold it: an encoded change set without
 * its seq, "<count>;..." (src/config/change-set-codec.ts encodeChanges; lua/includes/history.lua writes
 * the same), as the changes users see.
 */
export function decodeChangeList(encoded: string): ConfigChange[] {
  return decodeChangeSet(`0;${encoded}`).changes.map(toConfigChange);
}
