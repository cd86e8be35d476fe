import { ensureServiceBinaries } from '../../local-services/binaries.js';
import { ensureRecipePeer } from '../../local-services/recipe-peer.js';

// Runs once per test run, in vitest's main process, before any test worker starts: installs or builds
// the service binaries in one place (never concurrently from parallel workers) and exports their paths,
// which the workers inherit because vitest builds their environment from process.env after this.
export default function setup(): void {
  ensureServiceBinaries();
  ensureRecipePeer();
}
