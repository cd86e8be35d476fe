import { createDashboard } from 'hotconf/dashboard';
import { createScheduler } from 'hotconf';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useServices } from '../helpers/fixtures.js';
import { connectRedis, uniquePrefix } from '../helpers/redis.js';
import { mountLikeExpress, serve } from './servers.js';

const services = useServices();
const TOKEN = 'correct-horse-battery-staple';
const prefix = uniquePrefix('dashboard-api');
const closers: { close(): Promise<void> }[] = [];
afterAll(() => Promise.all(closers.map((each) => each.close())));

function dashboard(
  auth: { token: string } | { readOnly: true },
  basePath?: string,
  more: { allowedHosts?: string[]; sessionTtlMs?: number } = {},
) {
  const handler = createDashboard({
    redis: services.redis.url,
    prefix,
    auth,
    ...(basePath ? { basePath } : {}),
    ...more,
  });
  closers.push(handler);
  return handler;
}

function admin() {
  return createScheduler({ redis: connectRedis(services.redis.url), topic: 'hotconf.changes', prefix });
}

/** Everything under the prefix, so a refused request can be shown to have changed nothing. */
async function dump(): Promise<string> {
  const redis = connectRedis(services.redis.url);
  const keys = (await redis.keys(`{${prefix}}:*`)).sort();
  const values = await Promise.all(keys.map((key) => redis.dumpBuffer(key)));
  return JSON.stringify(keys.map((key, index) => [key, values[index]?.toString('base64')]));
}

/** A GET with a chosen Host header, which fetch() does not let a caller set. */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { host } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body }));
    })
      .on('error', reject)
      .end();
  });
}

const json = { 'content-type': 'application/json' };
const bearer = { authorization: `Bearer ${TOKEN}` };

describe('dashboard HTTP API', () => {
  let origin = '';
  let base = '';
  beforeAll(async () => {
    origin = await serve(dashboard({ token: TOKEN }, '/hotconf'));
    base = `${origin}/hotconf`;
  });

  it('refuses a mutating request without the token with 401, and changes nothing', async () => {
    const { id } = await admin().schedule({ key: 'a', value: 1 }, { delayMs: 3_600_000 });
    const before = await dump();
    for (const [path, body] of [
      ['schedule', { changes: [{ key: 'b', value: 2 }] }],
      ['pending/cancel', { id }],
      ['pending/reschedule', { id, delayMs: 5 }],
      ['rollback', { toRevision: 0 }],
    ] as const) {
      const response = await fetch(`${base}/api/${path}`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'E_UNAUTHORIZED' } });
      const wrong = await fetch(`${base}/api/${path}`, {
        method: 'POST',
        headers: { ...json, authorization: 'Bearer wrong-token-wrong-token' },
        body: JSON.stringify(body),
      });
      expect(wrong.status).toBe(401);
    }
    expect(await dump()).toBe(before);
    // Reads need it too: config values are not for everyone.
    expect((await fetch(`${base}/api/config`)).status).toBe(401);
    expect((await fetch(`${base}/api/config`, { headers: bearer })).status).toBe(200);
  });

  it('refuses cross-site mutations even with the session cookie, and form posts', async () => {
    const login = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ token: TOKEN }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(
      /^hotconf_session=\d+\.[\w-]+; Path=\/hotconf\/; HttpOnly; SameSite=Strict; Max-Age=43200$/,
    );
    expect(cookie).not.toContain(TOKEN);
    const session = cookie.split(';')[0]!;
    const before = await dump();
    const attempts: Record<string, string>[] = [
      { ...json, cookie: session, origin: 'https://evil.example' },
      { ...json, cookie: session, 'sec-fetch-site': 'cross-site' },
      { 'content-type': 'application/x-www-form-urlencoded', cookie: session },
      { 'content-type': 'text/plain', cookie: session },
    ];
    for (const headers of attempts) {
      const response = await fetch(`${base}/api/schedule`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ changes: [{ key: 'evil', value: 1 }] }),
      });
      expect(response.status).toBe(401);
    }
    expect(await dump()).toBe(before);
    const sameSite = await fetch(`${base}/api/schedule`, {
      method: 'POST',
      headers: { ...json, cookie: session, origin: origin, 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ changes: [{ key: 'fine', value: 1 }], delayMs: 3_600_000 }),
    });
    expect(sameSite.status).toBe(200);
    expect(
      (await fetch(`${base}/api/login`, { method: 'POST', headers: json, body: '{"token":"nope"}' })).status,
    ).toBe(401);
  });

  it('answers bad input with the API’s HotconfError code and message, never a stack', async () => {
    const before = await dump();
    const post = (path: string, body: string) =>
      fetch(`${base}/api/${path}`, { method: 'POST', headers: { ...json, ...bearer }, body });
    const cases: [string, string, number, string][] = [
      ['schedule', '{"changes":[]}', 400, 'E_INVALID_ARGUMENT'],
      ['schedule', '{"changes":[{"key":"k","value":1}],"at":"tomorrow"}', 400, 'E_INVALID_ARGUMENT'],
      ['schedule', '{"changes":[{"key":"k","value":1}],"id":"has space"}', 400, 'E_INVALID_ARGUMENT'],
      ['schedule', 'not json', 400, 'E_INVALID_ARGUMENT'],
      ['pending/reschedule', '{"id":"unknown-id","delayMs":10}', 409, 'E_NOT_PENDING'],
    ];
    for (const [path, body, status, code] of cases) {
      const response = await post(path, body);
      expect(response.status).toBe(status);
      const doc = (await response.json()) as { error: { code: string; message: string } };
      expect(doc.error.code).toBe(code);
      expect(doc.error.message).not.toMatch(/\n\s+at /);
    }
    expect(await dump()).toBe(before);
    const big = await post(
      'schedule',
      JSON.stringify({ changes: [{ key: 'k', value: 'x'.repeat(2 * 1024 * 1024) }] }),
    );
    expect(big.status).toBe(413);
  });

  it('refuses a cross-site or non-JSON logout like every other POST (no forced logout)', async () => {
    for (const headers of [
      { ...json, origin: 'https://evil.example' },
      { ...json, 'sec-fetch-site': 'cross-site' },
      { 'content-type': 'application/x-www-form-urlencoded' },
      { 'content-type': 'text/plain' },
    ]) {
      const response = await fetch(`${base}/api/logout`, { method: 'POST', headers, body: '{}' });
      expect(response.status).toBe(401);
      expect(response.headers.get('set-cookie')).toBeNull();
    }
    const sameSite = await fetch(`${base}/api/logout`, {
      method: 'POST',
      headers: { ...json, origin, 'sec-fetch-site': 'same-origin' },
      body: '{}',
    });
    expect(sameSite.status).toBe(200);
    expect(sameSite.headers.get('set-cookie')).toMatch(/^hotconf_session=; .*Max-Age=0$/);
  });

  it('answers a malformed percent-encoding in a path with 400 E_INVALID_ARGUMENT, not 500', async () => {
    const response = await fetch(`${base}/api/changes/%E0`, { headers: bearer });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'E_INVALID_ARGUMENT' } });
    const wellFormed = await fetch(`${base}/api/changes/no%2Dsuch%2Did`, {
      headers: bearer,
    });
    expect(wellFormed.status).not.toBe(400);
  });

  it('schedules, reschedules and cancels through the API with the Bearer token', async () => {
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${base}/api/${path}`, {
        method: 'POST',
        headers: { ...json, ...bearer },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as Record<string, unknown>;
    };
    const scheduled = await post('schedule', {
      changes: [
        { key: 'switch', value: 'on' },
        { key: 'old', deleted: true },
      ],
      delayMs: 3_600_000,
      id: 'api-change',
    });
    expect(scheduled).toMatchObject({ id: 'api-change' });
    const at = Date.now() + 7_200_000;
    expect(await post('pending/reschedule', { id: 'api-change', at })).toMatchObject({ effectiveAt: at });
    const pending = await admin().pending();
    expect(pending.find((each) => each.id === 'api-change')).toMatchObject({
      effectiveAt: at,
      changes: [
        { key: 'switch', value: 'on' },
        { key: 'old', deleted: true },
      ],
    });
    expect(await post('pending/cancel', { id: 'api-change' })).toEqual({ cancelled: true });
    expect((await admin().pending()).some((each) => each.id === 'api-change')).toBe(false);
  });

  it('serves the page with a strict CSP, redirects the bare mount path, 404s outside it', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(await page.text()).toContain('<script src="app.js" defer>');
    const script = await fetch(`${base}/app.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).not.toMatch(/innerHTML|https?:\/\//);
    const bare = await fetch(base, { redirect: 'manual' });
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/hotconf/');
    expect((await fetch(`${origin}/elsewhere`)).status).toBe(404);
  });

  it('works mounted the way Express mounts it (req.url stripped, originalUrl kept)', async () => {
    const mounted = await serve(mountLikeExpress('/admin/config', dashboard({ token: TOKEN })));
    const bare = await fetch(`${mounted}/admin/config`, { redirect: 'manual' });
    expect(bare.headers.get('location')).toBe('/admin/config/');
    const login = await fetch(`${mounted}/admin/config/api/login`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ token: TOKEN }),
    });
    expect(login.headers.get('set-cookie')).toContain('Path=/admin/config/;');
    const config = await fetch(`${mounted}/admin/config/api/config`, { headers: bearer });
    expect(await config.json()).toMatchObject({ revision: expect.any(Number) });
  });

  it('read-only: reads open, every mutation 403 and nothing changed', async () => {
    const readOnly = await serve(dashboard({ readOnly: true }));
    const { id } = await admin().schedule({ key: 'r', value: 1 }, { delayMs: 3_600_000 });
    expect(await (await fetch(`${readOnly}/api/session`)).json()).toMatchObject({
      readOnly: true,
      authenticated: true,
    });
    expect((await fetch(`${readOnly}/api/pending`)).status).toBe(200);
    const before = await dump();
    for (const [path, body] of [
      ['schedule', { changes: [{ key: 'b', value: 2 }] }],
      ['pending/cancel', { id }],
      ['login', { token: TOKEN }],
    ] as const) {
      const response = await fetch(`${readOnly}/api/${path}`, {
        method: 'POST',
        headers: { ...json, ...bearer },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: 'E_READ_ONLY' } });
    }
    expect(await dump()).toBe(before);
  });

  it('refuses a request whose Host is not allowed with 403 before serving anything (DNS rebinding)', async () => {
    const readOnly = await serve(dashboard({ readOnly: true }));
    for (const path of ['/api/config', '/api/session', '/', '/app.js']) {
      const refused = await getWithHost(`${readOnly}${path}`, 'evil.example');
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'E_HOST_NOT_ALLOWED' } });
      expect(refused.body).not.toContain('revision');
    }
    expect((await getWithHost(`${readOnly}/api/config`, 'evil.example:8080')).status).toBe(403);
    expect((await getWithHost(`${readOnly}/api/config`, 'localhost.evil.example')).status).toBe(403);
    // The defaults, with or without a port; the name is case-insensitive.
    for (const host of ['localhost', 'LocalHost:3000', '127.0.0.1:9', '[::1]:8080', '[::1]']) {
      const served = await getWithHost(`${readOnly}/api/config`, host);
      expect(served.status).toBe(200);
      expect(JSON.parse(served.body)).toMatchObject({ revision: expect.any(Number) });
    }
  });

  it('serves only the allowedHosts given (behind a proxy: the public name)', async () => {
    const proxied = await serve(
      dashboard({ readOnly: true }, undefined, { allowedHosts: ['config.example.com', '::1'] }),
    );
    expect((await getWithHost(`${proxied}/api/config`, 'config.example.com')).status).toBe(200);
    expect((await getWithHost(`${proxied}/api/config`, 'config.example.com:443')).status).toBe(200);
    expect((await getWithHost(`${proxied}/api/config`, '[::1]:80')).status).toBe(200);
    expect((await getWithHost(`${proxied}/api/config`, '127.0.0.1')).status).toBe(403);
    expect((await getWithHost(`${proxied}/api/config`, 'evil.example')).status).toBe(403);
  });

  it('ends a session after sessionTtlMs: its cookie is refused from then on', async () => {
    const shortLived = await serve(dashboard({ token: TOKEN }, undefined, { sessionTtlMs: 1_000 }));
    const login = await fetch(`${shortLived}/api/login`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ token: TOKEN }),
    });
    const session = login.headers.get('set-cookie')!.split(';')[0]!;
    expect(login.headers.get('set-cookie')).toContain('Max-Age=1');
    expect((await fetch(`${shortLived}/api/config`, { headers: { cookie: session } })).status).toBe(200);
    // Its expiry is signed: moved later by hand, the cookie is refused at once.
    const [expiresAt, signature] = session.slice('hotconf_session='.length).split('.');
    const extended = `hotconf_session=${Number(expiresAt) + 3_600_000}.${signature}`;
    expect((await fetch(`${shortLived}/api/config`, { headers: { cookie: extended } })).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await fetch(`${shortLived}/api/config`, { headers: { cookie: session } })).status).toBe(401);
  });

  it('refuses logins from an address after 10 failures in a minute with 429, the right token too', async () => {
    const guarded = await serve(dashboard({ token: TOKEN }));
    const login = (token: string) =>
      fetch(`${guarded}/api/login`, { method: 'POST', headers: json, body: JSON.stringify({ token }) });
    for (let attempt = 0; attempt < 10; attempt++) expect((await login('wrong-guess')).status).toBe(401);
    const refused = await login(TOKEN);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: { code: 'E_RATE_LIMITED' } });
    expect(refused.headers.get('set-cookie')).toBeNull();
    // The Bearer token is not a login: the API still answers it.
    expect((await fetch(`${guarded}/api/config`, { headers: bearer })).status).toBe(200);
  });

  it('refuses bad options with E_INVALID_ARGUMENT', () => {
    const refuses = (options: Record<string, unknown>) =>
      expect(() => createDashboard({ redis: services.redis.url, prefix, ...options } as never)).toThrow(
        expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }),
      );
    for (const auth of [
      undefined,
      {},
      { token: 'short' },
      { readOnly: false },
      { token: TOKEN, readOnly: true },
    ]) {
      refuses({ auth });
    }
    refuses({ auth: { readOnly: true }, basePath: 'x' });
    for (const allowedHosts of ['localhost', [], [''], ['example.com:80'], ['http://example.com'], [1]]) {
      refuses({ auth: { readOnly: true }, allowedHosts });
    }
    for (const sessionTtlMs of [0, 999, 1.5, 31 * 24 * 3_600_000, '1000']) {
      refuses({ auth: { token: TOKEN }, sessionTtlMs });
    }
  });
});
