const UNITS_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * "10m", "2h", "500ms" → { delayMs }; a date-time ("2026-12-01T00:00:00Z", or local without a zone) →
 * { at }; "" → now. Anything else is sent as given, for the server to refuse with its own message.
 */
export function parseWhen(text: string): { at?: number | string; delayMs?: number | string } {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  const duration = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(trimmed);
  if (duration) return { delayMs: Math.round(Number(duration[1]) * UNITS_MS[duration[2]!]!) };
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? { delayMs: trimmed } : { at };
}
