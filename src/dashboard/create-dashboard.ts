import type { IncomingMessage, ServerResponse } from 'node:http';
import { HotconfError, invalidArgument } from '../errors.js';
import { createScheduler } from '../scheduler/scheduler.js';
import { apiRoutes, releaseFeatures } from './api-routes.js';
import { DASHBOARD_CSS, DASHBOARD_HTML, DASHBOARD_SCRIPT } from './assets.js';
import { AuthGate } from './auth-gate.js';
import { HostCheck, resolveAllowedHosts } from './host-check.js';
import { readJsonBody, send, sendError, sendJson } from './http-io.js';
import { silentLogger } from '../logger.js';
import { resolveAuth, resolveBasePath, resolveSessionTtlMs, type DashboardOptions } from './options.js';

/** A Node request handler; `close()` closes the Redis connection when the dashboard made it from a URL. */
export type DashboardHandler = ((req: IncomingMessage, res: ServerResponse) => void) & {
  close(): Promise<void>;
};

/** Express and Connect strip the mount path from `req.url` and keep the whole URL here. */
type MountedRequest = IncomingMessage & { originalUrl?: string };

const STATIC_FILES: Record<string, [contentType: string, body: string]> = {
  '/': ['text/html; charset=utf-8', DASHBOARD_HTML],
  '/app.js': ['text/javascript; charset=utf-8', DASHBOARD_SCRIPT],
  '/app.css': ['text/css; charset=utf-8', DASHBOARD_CSS],
};

/**
 * The web dashboard as a request handler, over the scheduler's public API only (it makes a scheduler it
 * never starts). Mount it under a path: with plain `http` give that path as `basePath`; under Express's
 * `app.use(path, handler)` leave it out. Its pages use relative URLs, so any mount path works.
 */
export function createDashboard(options: DashboardOptions): DashboardHandler {
  if (typeof options !== 'object' || options === null) throw invalidArgument('options are required');
  const auth = new AuthGate(resolveAuth(options.auth).token, resolveSessionTtlMs(options.sessionTtlMs));
  const basePath = resolveBasePath(options.basePath);
  const hostCheck = new HostCheck(resolveAllowedHosts(options.allowedHosts));
  const logger = options.logger ?? silentLogger;
  const scheduler = createScheduler({
    redis: options.redis,
    prefix: options.prefix,
    topic: options.topic ?? 'hotconf.changes',
    ...(options.nsqd === undefined ? {} : { nsqd: options.nsqd }),
    ...(options.historyLimit === undefined ? {} : { historyLimit: options.historyLimit }),
    logger,
  });
  const historyOn = options.historyLimit !== 0;
  const routes = apiRoutes(scheduler, historyOn);

  async function serve(req: MountedRequest, res: ServerResponse): Promise<void> {
    hostCheck.assertAllowed(req); // before anything, redirects and static files included
    const url = new URL(req.url ?? '/', 'http://dashboard');
    if (basePath && url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) {
      throw new HotconfError('E_NOT_FOUND', `not under ${basePath}`);
    }
    const path = url.pathname.slice(basePath.length) || '';
    // The full path the browser asked for, which is what relative links resolve against.
    const requested = new URL(req.originalUrl ?? req.url ?? '/', 'http://dashboard').pathname;
    const mountPath = requested.slice(0, requested.length - path.length) || '';
    if (path === '' || (path === '/' && !requested.endsWith('/'))) {
      res.writeHead(308, { location: `${requested}/` });
      res.end();
      return;
    }
    const file = STATIC_FILES[path];
    if (file && req.method === 'GET') return send(res, 200, file[0], file[1]);
    if (!path.startsWith('/api/')) throw new HotconfError('E_NOT_FOUND', `no page ${path}`);
    await serveApi(req, res, path.slice('/api/'.length), url.searchParams, `${mountPath}/`);
  }

  async function serveApi(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams,
    cookiePath: string,
  ): Promise<void> {
    if (path === 'session' && req.method === 'GET') {
      return sendJson(res, 200, {
        readOnly: auth.readOnly,
        authenticated: auth.canRead(req),
        features: releaseFeatures(historyOn),
      });
    }
    if (path === 'login' && req.method === 'POST') {
      const body = await readJsonBody(req);
      const cookie = auth.login(req, body.token, cookiePath);
      return sendJson(res, 200, { authenticated: true }, { 'set-cookie': cookie });
    }
    if (path === 'logout' && req.method === 'POST') {
      return sendJson(res, 200, { authenticated: false }, { 'set-cookie': auth.logout(req, cookiePath) });
    }
    const route = routes.find((candidate) => candidate.pattern.test(path));
    if (!route) throw new HotconfError('E_NOT_FOUND', `no API ${path}`);
    if (req.method !== route.method) throw new HotconfError('E_NOT_FOUND', `${req.method} ${path}`);
    let body: Record<string, unknown> = {};
    if (route.method === 'POST') {
      auth.assertCanChange(req); // before the body is read: a refused request changes nothing
      body = await readJsonBody(req);
    } else {
      auth.assertCanRead(req);
    }
    const params = route.pattern.exec(path)!.slice(1).map(decodePathSegment);
    sendJson(res, 200, await route.handle({ query, body, params }));
  }

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    serve(req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else sendError(res, error, logger);
    });
  };
  return Object.assign(handler, { close: () => scheduler.stop() });
}

/** A URL path segment decoded; a malformed percent-encoding (`%E0`) is the client's mistake, not a 500. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw invalidArgument(`malformed percent-encoding in ${JSON.stringify(segment)}`);
  }
}
