import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../cli/run-cli.js';
import { useServices } from '../helpers/fixtures.js';
import { uniquePrefix } from '../helpers/redis.js';
import { freePort } from './servers.js';

const services = useServices();

describe('hotconf dashboard', () => {
  it('serves the dashboard on 127.0.0.1 by default until SIGTERM', async () => {
    const port = await freePort();
    const token = 'cli-token-cli-token-cli-token';
    const cli = startCli(
      [
        'dashboard',
        '--port',
        String(port),
        '--redis',
        services.redis.url,
        '--prefix',
        uniquePrefix('cli-dash'),
      ],
      {
        HOTCONF_DASHBOARD_TOKEN: token,
      },
    );
    await cli.waitForLine((line) => line === `dashboard at http://127.0.0.1:${port}/`);
    const session = await fetch(`http://127.0.0.1:${port}/api/session`);
    expect(await session.json()).toMatchObject({ readOnly: false, authenticated: false });
    const config = await fetch(`http://127.0.0.1:${port}/api/config`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await config.json()).toEqual({ revision: 0, values: {} });
    expect(await cli.stop('SIGTERM')).toBe(0);
  });

  it('--read-only wins over an exported HOTCONF_DASHBOARD_TOKEN, which is only the default for --token', async () => {
    const port = await freePort();
    const cli = startCli(
      [
        'dashboard',
        '--port',
        String(port),
        '--read-only',
        '--redis',
        services.redis.url,
        '--prefix',
        uniquePrefix('cli-dash-ro'),
      ],
      { HOTCONF_DASHBOARD_TOKEN: 'exported-token-exported-token' },
    );
    await cli.waitForLine((line) => line === `dashboard at http://127.0.0.1:${port}/ (read-only)`);
    const session = await fetch(`http://127.0.0.1:${port}/api/session`);
    expect(await session.json()).toMatchObject({ readOnly: true, authenticated: true });
    expect(await cli.stop('SIGTERM')).toBe(0);
  });

  it('answers to the loopback names, its --host and each --allowed-host, and refuses other Hosts', async () => {
    const port = await freePort();
    const cli = startCli([
      'dashboard',
      '--port',
      String(port),
      '--host',
      '127.0.0.2',
      '--allowed-host',
      'config.example.com',
      '--read-only',
      '--redis',
      services.redis.url,
      '--prefix',
      uniquePrefix('cli-dash-hosts'),
    ]);
    await cli.waitForLine((line) => line === `dashboard at http://127.0.0.2:${port}/ (read-only)`);
    const statusFor = (host: string) =>
      new Promise<number>((resolve, reject) => {
        request(`http://127.0.0.2:${port}/api/config`, { headers: { host } }, (response) => {
          response.resume();
          resolve(response.statusCode!);
        })
          .on('error', reject)
          .end();
      });
    expect(await statusFor(`127.0.0.2:${port}`)).toBe(200);
    expect(await statusFor(`localhost:${port}`)).toBe(200);
    expect(await statusFor('config.example.com')).toBe(200);
    expect(await statusFor(`evil.example:${port}`)).toBe(403);
    expect(await cli.stop('SIGTERM')).toBe(0);
  });

  it('needs exactly one of --token and --read-only, and --port', async () => {
    const neither = await runCli(['dashboard', '--port', '8080']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toMatch(/give either --token TOKEN or --read-only/);
    const both = await runCli(['dashboard', '--port', '8080', '--read-only', '--token', 'x'.repeat(20)]);
    expect(both.code).toBe(2);
    const noPort = await runCli(['dashboard', '--read-only']);
    expect(noPort.stderr).toMatch(/missing --port/);
    const shortToken = await runCli(['dashboard', '--port', '8080', '--token', 'short']);
    expect(shortToken.code).toBe(2);
    expect(shortToken.stderr).toMatch(/at least 16 characters/);
  });
});
