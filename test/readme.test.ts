import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

// The README's TypeScript examples are compiled against the built package, as a user would import it,
// so an example cannot drift from the API it documents.
it('has TypeScript examples that compile against the built package', async () => {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const examples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
  expect(examples.length).toBeGreaterThanOrEqual(3);

  await mkdir(join(root, '.tmp'), { recursive: true }); // git-ignored scratch
  const dir = await mkdtemp(join(root, '.tmp/readme-'));
  try {
    await Promise.all(
      examples.map((code, index) => writeFile(join(dir, `example-${index}.ts`), `${code}\nexport {};\n`)),
    );
    const tsconfig = {
      extends: '../../tsconfig.json',
      compilerOptions: { noEmit: true, paths: { hotconf: ['../../dist/index.d.ts'] } },
      include: ['*.ts'],
    };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    // A failed tsc rejects with its exit code; a config error, say, prints to stderr and not stdout.
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', dir]).then(
      ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        output: error.stdout + error.stderr,
      }),
    );
    expect(result).toEqual({ code: 0, output: '' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);
