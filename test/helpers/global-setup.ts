import { serviceBinaries } from './binaries.js';

// Runs once before any test worker starts: installs or builds the service binaries in one place (never
// concurrently from parallel workers) and leaves their paths in the environment the workers inherit.
export default function setup(): void {
  serviceBinaries();
}
