/** With the u flag a surrogate pair is one code point, so this matches only unpaired halves. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * True when `text` is not well-formed UTF-16 (a lone surrogate). Such a string becomes U+FFFD in UTF-8,
 * so Redis would store something else than was given, and distinct strings would collapse into one.
 */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}
