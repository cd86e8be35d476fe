import { createServer } from 'node:http';
import { once } from 'node:events';
import { connectionSettings, parseCommand } from '../args.js';
import type { Command } from '../command.js';
import { fromFlags, schedulerSettings } from '../connect.js';
import { print } from '../output.js';
import { untilSignal } from '../signals.js';
import { UsageError } from '../usage.js';
import { parsePositiveInteger } from '../values.js';

export const dashboard: Command = {
  name: 'dashboard',
  summary: 'serve the web dashboard (pending, schedule, config, history, fleet)',
  synopsis:
    'hotconf dashboard --port PORT [--host HOST] [--allowed-host NAME]... (--token TOKEN | --read-only)',
  description: `Serves the web dashboard until SIGINT or SIGTERM. With a token, every page asks for it
(a login form, or Authorization: Bearer TOKEN) and changes can be made; --read-only shows
everything and changes nothing. Binds 127.0.0.1 unless --host says otherwise. It answers only
requests whose Host is localhost, 127.0.0.1, [::1], the --host value or an --allowed-host (against
DNS rebinding); behind a proxy give the proxy's public name as --allowed-host. The token may come
from HOTCONF_DASHBOARD_TOKEN instead, which keeps it out of the process list (ignored with
--read-only).`,
  options: `  --port PORT          port to listen on (required)
  --host HOST          address to bind (default 127.0.0.1)
  --allowed-host NAME  another Host name to answer to (repeatable)
  --token TOKEN        token that gives access, at least 16 characters  HOTCONF_DASHBOARD_TOKEN
  --read-only          no token, no changes`,
  async run(argv) {
    const options = {
      port: { type: 'string' },
      host: { type: 'string' },
      'allowed-host': { type: 'string', multiple: true },
      token: { type: 'string' },
      'read-only': { type: 'boolean' },
    } as const;
    const { values } = parseCommand(argv, options);
    if (values.port === undefined) throw new UsageError('missing --port');
    const port = parsePositiveInteger(values.port, '--port');
    const host = values.host ?? '127.0.0.1';
    const readOnly = values['read-only'] === true;
    // The exported token is a default for --token, so it must not refuse an explicit --read-only.
    const token = values.token ?? (readOnly ? undefined : process.env.HOTCONF_DASHBOARD_TOKEN);
    if ((token === undefined) === !readOnly) throw new UsageError('give either --token TOKEN or --read-only');
    const settings = connectionSettings(values);
    const { createDashboard, DEFAULT_ALLOWED_HOSTS } = await import('../../dashboard/index.js');
    const handler = fromFlags(() =>
      createDashboard({
        redis: settings.redisUrl,
        nsqd: settings.nsqd,
        ...schedulerSettings(settings),
        auth: token === undefined ? { readOnly: true } : { token },
        allowedHosts: [...DEFAULT_ALLOWED_HOSTS, host, ...(values['allowed-host'] ?? [])],
      }),
    );
    const server = createServer(handler);
    const signalled = untilSignal();
    server.listen(port, host);
    await Promise.race([
      once(server, 'listening'),
      once(server, 'error').then(([error]) => Promise.reject(error)),
    ]);
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
    print(
      values.json,
      { event: 'listening', url, readOnly },
      () => `dashboard at ${url}${readOnly ? ' (read-only)' : ''}`,
    );
    await signalled;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await handler.close();
  },
};
