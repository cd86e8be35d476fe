import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { dashboardUiPlugin } from './scripts/dashboard-ui-plugin.js';

const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as {
  dependencies: Record<string, string>;
};

/**
 * Dependencies published as ES modules only (p-retry and its own dependency, for one). `require()`
 * cannot load them (or, on Node 20.19+, hands back a namespace whose `default` tsup's interop misses),
 * so the CommonJS build carries its own copy of them. Found from each one's package.json, so that a
 * new ESM-only dependency is bundled without anyone remembering to list it here.
 */
function esmOnlyDependencies(names: string[], seen = new Set<string>()): string[] {
  for (const name of names) {
    if (seen.has(name)) continue;
    const manifest = JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as {
      type?: string;
      main?: string;
      exports?: unknown;
      dependencies?: Record<string, string>;
    };
    if (manifest.type === 'module' && !hasRequireEntry(manifest)) {
      seen.add(name);
      esmOnlyDependencies(Object.keys(manifest.dependencies ?? {}), seen);
    }
  }
  return [...seen];
}

function hasRequireEntry(manifest: { main?: string; exports?: unknown }): boolean {
  if (manifest.exports === undefined) return manifest.main?.endsWith('.cjs') ?? false;
  return JSON.stringify(manifest.exports).includes('"require"');
}

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli/main.ts',
    metrics: 'src/metrics/index.ts',
    dashboard: 'src/dashboard/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: {
    entry: { index: 'src/index.ts', metrics: 'src/metrics/index.ts', dashboard: 'src/dashboard/index.ts' },
  },
  target: 'node20',
  clean: true,
  sourcemap: true,
  // Lua scripts are embedded as strings so the package needs no file lookups at run time.
  loader: { '.lua': 'text' },
  // Needed by the CommonJS build only; tsup applies it to both formats, which costs the ESM build a few KB.
  noExternal: esmOnlyDependencies(Object.keys(packageJson.dependencies)),
  esbuildPlugins: [dashboardUiPlugin()],
});
