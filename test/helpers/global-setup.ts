import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceBinaries } from './binaries.js';

/**
 * Runs once before any test worker starts: installs or builds the service binaries in one place (never
 * concurrently from parallel workers) and leaves their paths in the environment the workers inherit.
 * Returns the teardown that kills any service a killed worker left behind.
 */
export default function setup(): () => void {
  serviceBinaries();
  const pidDir = mkdtempSync(join(tmpdir(), 'hotconf-pids-'));
  process.env.HOTCONF_PID_DIR = pidDir;
  return () => {
    for (const pid of readdirSync(pidDir)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(pidDir, { recursive: true, force: true });
  };
}
