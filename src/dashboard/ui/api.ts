/// <reference lib="dom" />

/** An error the server answered with: its HotconfError code and message. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Calls the dashboard's API (relative to the page, so any mount path works). */
export async function api<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(`api/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const doc = (await response.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  if (!response.ok) {
    throw new ApiError(
      doc.error?.code ?? `HTTP ${response.status}`,
      doc.error?.message ?? response.statusText,
    );
  }
  return doc as T;
}
