import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [
    {
      // Same as tsup's `.lua: text` loader: a Lua file imports as its source string.
      name: 'lua-as-text',
      transform(_code, id) {
        if (!id.endsWith('.lua')) return null;
        return { code: `export default ${JSON.stringify(readFileSync(id, 'utf8'))};`, map: null };
      },
    },
  ],
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Suites spawn their own redis-server and nsqd; two cores, so two files at a time.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
