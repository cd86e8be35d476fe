import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli/main.ts',
    metrics: 'src/metrics/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', metrics: 'src/metrics/index.ts' } },
  target: 'node20',
  clean: true,
  sourcemap: true,
  // Lua scripts are embedded as strings so the package needs no file lookups at run time.
  loader: { '.lua': 'text' },
});
