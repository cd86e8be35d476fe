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

/** The field at `position`: its text (empty for an absent one) and where the next one starts. */
export function readField(bytes: Buffer, position: number): { text: string; end: number } {
  const sep = bytes.indexOf(0x3b /* ; */, position);
  const length = Number(bytes.toString('latin1', position, sep));
  return { text: bytes.toString('utf8', sep + 1, sep + 1 + length), end: sep + 1 + length };
}

/** The fields of `bytes` from `position`; absent (empty) fields are left out. */
export function readFields(
  bytes: Buffer,
  position: number,
  names: readonly string[],
): Record<string, string> {
  return readFieldsAt(bytes, position, names).record;
}

/** readFields, and where what follows the fields starts. */
export function readFieldsAt(
  bytes: Buffer,
  position: number,
  names: readonly string[],
): { record: Record<string, string>; end: number } {
  const record: Record<string, string> = {};
  for (const name of names) {
    const { text, end } = readField(bytes, position);
    if (text !== '') record[name] = text;
    position = end;
  }
  return { record, end: position };
}
