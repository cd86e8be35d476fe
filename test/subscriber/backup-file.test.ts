import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConfigSnapshot } from '../../src/config/snapshot.js';
import { BackupFile } from '../../src/subscriber/backup-file.js';

/** Every file handle opened through node:fs/promises, with what was done to it. */
const opened = vi.hoisted(() => [] as { path: string; flags: string; mode?: number; synced: boolean }[]);
/** When set, opening this path fails as opening a directory fails on Windows. */
const unopenable = vi.hoisted(() => ({ path: undefined as string | undefined }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const open: typeof fs.open = async (path, flags, mode) => {
    if (String(path) === unopenable.path) {
      throw Object.assign(new Error(`EISDIR: illegal operation on a directory, open '${String(path)}'`), {
        code: 'EISDIR',
      });
    }
    const handle = await fs.open(path, flags, mode);
    const record = { path: String(path), flags: String(flags), mode: mode as number, synced: false };
    opened.push(record);
    const sync = handle.sync.bind(handle);
    handle.sync = async () => {
      await sync();
      record.synced = true;
    };
    return handle;
  };
  return { ...fs, open, default: { ...fs, open } };
});

const dir = await mkdtemp(join(tmpdir(), 'hotconf-backup-file-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
beforeEach(() => {
  opened.splice(0);
  unopenable.path = undefined;
});

function backupOf(path: string, snapshot: ConfigSnapshot, delayMs = 1_000): BackupFile {
  return new BackupFile({
    path,
    delayMs,
    read: () => snapshot,
    onError: (error) => {
      throw error;
    },
  });
}

const snapshot: ConfigSnapshot = {
  revision: 7,
  values: { limit: 10, secret: 's3cr3t' },
  versions: {
    limit: { effectiveAt: 1, seq: 1 },
    secret: { effectiveAt: 2, seq: 2 },
    gone: { effectiveAt: 3, seq: 3 },
  },
};

describe('BackupFile', () => {
  it('writes a file only its owner can read, and reads it back', async () => {
    const path = join(dir, 'mode', 'backup.json');
    const backup = backupOf(path, snapshot);
    backup.saveSoon();
    await backup.flush();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await backup.load()).toEqual(snapshot);
  });

  it('fsyncs the file before the rename and the directory after it', async () => {
    const path = join(dir, 'durable.json');
    const backup = backupOf(path, snapshot);
    backup.saveSoon();
    await backup.flush();
    const file = opened.find((entry) => entry.path.startsWith(`${path}.`) && entry.path.endsWith('.tmp'));
    expect(file).toMatchObject({ flags: 'wx', mode: 0o600, synced: true });
    expect(opened.find((entry) => entry.path === dir)).toMatchObject({ synced: true });
    expect(await readdir(dir)).not.toContainEqual(expect.stringMatching(/\.tmp$/));
  });

  it('still writes where a directory cannot be opened to fsync it (Windows)', async () => {
    const path = join(dir, 'windows', 'backup.json');
    unopenable.path = join(dir, 'windows');
    const backup = backupOf(path, snapshot);
    backup.saveSoon();
    await backup.flush();
    expect(await backup.load()).toEqual(snapshot);
  });

  it('gives each write its own temp file: two writers of one process and path never collide', async () => {
    const path = join(dir, 'shared.json');
    const errors: Error[] = [];
    const writers = [1, 2].map(
      (revision) =>
        new BackupFile({
          path,
          delayMs: 1_000,
          read: () => ({ ...snapshot, revision }),
          onError: (error) => errors.push(error),
        }),
    );
    for (let round = 0; round < 20; round++) {
      await Promise.all(
        writers.map((writer) => {
          writer.saveSoon();
          return writer.flush();
        }),
      );
    }
    expect(errors).toEqual([]);
    expect([1, 2]).toContain((await writers[0]!.load())?.revision);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ format: 'hotconf-backup/1' });
  });

  it('writes at most once per delayMs, the latest config', async () => {
    const path = join(dir, 'delayed.json');
    let revision = 0;
    const backup = new BackupFile({
      path,
      delayMs: 300,
      read: () => ({ ...snapshot, revision }),
      onError: (error) => {
        throw error;
      },
    });
    const writes = (): number => opened.filter((entry) => entry.path.startsWith(`${path}.`)).length;
    const firstSave = Date.now();
    for (revision = 1; revision <= 20; revision++) backup.saveSoon();
    revision = 20;
    await expect.poll(async () => (await backup.load())?.revision, { timeout: 5_000 }).toBe(20);
    expect(Date.now() - firstSave).toBeGreaterThanOrEqual(300);
    expect(writes()).toBe(1);
    await sleep(400);
    expect(writes()).toBe(1); // nothing changed since: nothing written
    revision = 21;
    backup.saveSoon();
    await expect.poll(async () => (await backup.load())?.revision, { timeout: 5_000 }).toBe(21);
    expect(writes()).toBe(2);
  });
});
