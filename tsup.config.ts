import { defineConfig } from 'tsup';
import { dashboardUiPlugin } from './scripts/dashboard-ui-plugin.js';

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
  esbuildPlugins: [dashboardUiPlugin()],
});
