import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ServiceBinaries {
  redisServer: string;
  nsqd: string;
  nsqlookupd: string;
}

/** Per binary: the name scripts/ensure-services.sh prints it under, and the variable that carries its path. */
const BINARIES: Record<keyof ServiceBinaries, { printedAs: string; variable: string }> = {
  redisServer: { printedAs: 'redis-server', variable: 'HOTCONF_REDIS_SERVER_BIN' },
  nsqd: { printedAs: 'nsqd', variable: 'HOTCONF_NSQD_BIN' },
  nsqlookupd: { printedAs: 'nsqlookupd', variable: 'HOTCONF_NSQLOOKUPD_BIN' },
};
const ENSURE_SERVICES = fileURLToPath(new URL('../scripts/ensure-services.sh', import.meta.url));

/** Where redis-server, nsqd and nsqlookupd are: from the environment, else from ensureServiceBinaries(). */
export function serviceBinaries(): ServiceBinaries {
  return binariesFromEnvironment() ?? ensureServiceBinaries();
}

/**
 * The paths that ensureServiceBinaries() exported, in this process or in an ancestor: vitest's global
 * setup runs it in the main process, whose environment the test workers (and their children) inherit.
 */
export function binariesFromEnvironment(): ServiceBinaries | undefined {
  const paths = mapBinaries(({ variable }) => process.env[variable]);
  return paths.redisServer && paths.nsqd && paths.nsqlookupd ? (paths as ServiceBinaries) : undefined;
}

/** Runs scripts/ensure-services.sh (which installs or builds what is missing) and exports the paths it prints. */
export function ensureServiceBinaries(): ServiceBinaries {
  const output = execFileSync('bash', [ENSURE_SERVICES], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const printed = new Map(
    output
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return mapBinaries(({ printedAs, variable }) => {
    const path = printed.get(printedAs);
    if (!path) throw new Error(`scripts/ensure-services.sh printed no ${printedAs}=PATH:\n${output}`);
    process.env[variable] = path;
    return path;
  });
}

function mapBinaries<T>(
  map: (binary: { printedAs: string; variable: string }) => T,
): Record<keyof ServiceBinaries, T> {
  return {
    redisServer: map(BINARIES.redisServer),
    nsqd: map(BINARIES.nsqd),
    nsqlookupd: map(BINARIES.nsqlookupd),
  };
}
