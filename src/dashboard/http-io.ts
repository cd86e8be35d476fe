import type { IncomingMessage, ServerResponse } from 'node:http';
import { HotconfError, invalidArgument } from '../errors.js';
import type { Logger } from '../logger.js';

const MAX_BODY_BYTES = 1024 * 1024 + 64 * 1024; // a largest change set plus room for the JSON around it

/** Headers on every response: nothing loads from elsewhere, nothing frames the page, nothing is cached. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string | string[]> = {},
): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  doc: unknown,
  headers?: Record<string, string | string[]>,
): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(doc), headers);
}

const STATUS_BY_CODE: Record<string, number> = {
  E_INVALID_ARGUMENT: 400,
  E_PAYLOAD_TOO_LARGE: 413,
  E_UNAUTHORIZED: 401,
  E_READ_ONLY: 403,
  E_HOST_NOT_ALLOWED: 403,
  E_RATE_LIMITED: 429,
  E_NOT_FOUND: 404,
  E_NOT_PENDING: 409,
  E_REDIS: 503,
  E_TIMEOUT: 503,
  E_CLOSED: 503,
};

/** A HotconfError's code and message (never a stack); anything else is logged and named internal. */
export function sendError(res: ServerResponse, error: unknown, logger: Logger): void {
  if (error instanceof Error && error.name === 'HotconfError' && 'code' in error) {
    const code = String(error.code);
    // A body refused half-read leaves the rest on the connection: it cannot serve another request.
    const headers: Record<string, string> = code === 'E_PAYLOAD_TOO_LARGE' ? { connection: 'close' } : {};
    sendJson(res, STATUS_BY_CODE[code] ?? 400, { error: { code, message: error.message } }, headers);
    return;
  }
  logger.error({ err: error }, 'hotconf: dashboard request failed');
  sendJson(res, 500, { error: { code: 'E_INTERNAL', message: 'internal error (see the server log)' } });
}

/** The JSON body of a request (an object), at most ~1 MiB. */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new HotconfError('E_PAYLOAD_TOO_LARGE', `request body over ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw invalidArgument('the request body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidArgument('the request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}
