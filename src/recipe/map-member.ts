import type { ChangeSetInput } from '../config/changes.js';
import { isRecord } from '../config/is-record.js';

/**
 * Reads one member of the recipe's ZSET as a change: `{"key":"switch","value":"on"}`, or a JSON array of
 * such objects as one change set. What it returns is then checked as schedule() checks its input; a
 * member that is no JSON object or array gets the reason instead.
 */
export function mapMember(member: string): { change: ChangeSetInput } | { reason: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(member);
  } catch (error) {
    return { reason: `not JSON (${(error as Error).message})` };
  }
  if (Array.isArray(parsed)) return { change: { changes: parsed } };
  if (isRecord(parsed) && !('changes' in parsed)) return { change: parsed as ChangeSetInput };
  return { reason: 'not a {"key","value"} object or an array of them' };
}
