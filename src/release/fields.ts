/**
 * Length-prefixed records: "<bytes>;<text>" per field, in a fixed order, empty text for an absent field.
 * lua/includes/fields.lua reads and writes the same without parsing JSON.
 */
export function writeFields<T extends object>(record: T, names: readonly (keyof T & string)[]): string {
  let encoded = '';
  for (const name of names) {
    const value: unknown = record[name];
    const text = value === undefined || value === null ? '' : String(value);
    encoded += `${Buffer.byteLength(text)};${text}`;
  }
  return encoded;
}

/** The fields of `bytes` from `position`; absent (empty) fields are left out. */
export function readFields(
  bytes: Buffer,
  position: number,
  names: readonly string[],
): Record<string, string> {
  const record: Record<string, string> = {};
  for (const name of names) {
    const sep = bytes.indexOf(0x3b /* ; */, position);
    const length = Number(bytes.toString('latin1', position, sep));
    if (length > 0) record[name] = bytes.toString('utf8', sep + 1, sep + 1 + length);
    position = sep + 1 + length;
  }
  return record;
}
