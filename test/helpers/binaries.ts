import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ServiceBinaries {
  redisServer: string;
  nsqd: string;
  nsqlookupd: string;
}

const ENV = {
  redisServer: 'HOTCONF_REDIS_SERVER_BIN',
  nsqd: 'HOTCONF_NSQD_BIN',
  nsqlookupd: 'HOTCONF_NSQLOOKUPD_BIN',
};
const ENSURE_SERVICES = fileURLToPath(new URL('../../scripts/ensure-services.sh', import.meta.url));

/**
 * Where redis-server, nsqd and nsqlookupd are. The first call runs scripts/ensure-services.sh (which
 * installs or builds what is missing) and exports the paths in the environment, so child processes and
 * test workers started afterwards reuse them without running it again.
 */
export function serviceBinaries(): ServiceBinaries {
  const fromEnv = {
    redisServer: process.env[ENV.redisServer],
    nsqd: process.env[ENV.nsqd],
    nsqlookupd: process.env[ENV.nsqlookupd],
  };
  if (fromEnv.redisServer && fromEnv.nsqd && fromEnv.nsqlookupd) return fromEnv as ServiceBinaries;

  const output = execFileSync('bash', [ENSURE_SERVICES], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const printed = Object.fromEntries(
    output
      .trim()
      .split('\n')
      .map((line) => line.split('=') as [string, string]),
  );
  const binaries = {
    redisServer: printed['redis-server'],
    nsqd: printed.nsqd,
    nsqlookupd: printed.nsqlookupd,
  };
  for (const [name, path] of Object.entries(binaries)) {
    if (!path) throw new Error(`scripts/ensure-services.sh printed no path for ${name}:\n${output}`);
    process.env[ENV[name as keyof ServiceBinaries]] = path;
  }
  return binaries as ServiceBinaries;
}
