import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isRecord } from '../config/is-record.js';
import type { ConfigSnapshot } from '../config/snapshot.js';
import { parseStoredVersion } from '../config/version.js';

export interface BackupFileOptions {
  path: string;
  /** Saves within this time are written together. */
  delayMs: number;
  /** What to write: read when the write happens, so it is the latest. */
  read(): ConfigSnapshot;
  onError(error: Error): void;
}

const FORMAT = 'hotconf-backup/1';
const STORED_VERSION = /^\d+:\d+$/;
/** Owner read and write only. */
const FILE_MODE = 0o600;
const DIRECTORY_NOT_OPENABLE = new Set(['EISDIR', 'EPERM', 'EACCES']);

/**
 * The last good config on disk, served when Redis is down at start. Written to a temp file that is then
 * renamed over the old one, so a crash mid-write leaves the previous backup whole; and at most once per
 * `delayMs`, so a burst of changes makes one write. The temp file is fsynced before the rename and the
 * directory after it, so a power loss leaves the old backup or the new one, never an empty file; its name
 * is unique per write (pid alone is shared by two subscribers of one process, and by containers, which
 * all run as pid 1); and it is created readable by its owner only, since a config may hold secrets.
 */
export class BackupFile {
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly options: BackupFileOptions) {}

  /** The saved config; undefined when there is no file. Throws when the file is not a backup. */
  async load(): Promise<ConfigSnapshot | undefined> {
    let text: string;
    try {
      text = await readFile(this.options.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return parseBackup(text, this.options.path);
  }

  /** Schedules a write within `delayMs`; calls until then share it. */
  saveSoon(): void {
    this.dirty = true;
    this.timer ??= setTimeout(() => void this.flush(), this.options.delayMs).unref();
  }

  /** Writes now what `saveSoon` scheduled, if anything; resolves once it is on disk. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.dirty) {
      this.dirty = false;
      this.writing = this.writing.then(() => this.write()).catch(this.options.onError);
    }
    await this.writing;
  }

  private async write(): Promise<void> {
    const { revision, values, versions } = this.options.read();
    const stored = Object.fromEntries(
      Object.entries(versions).map(([key, { effectiveAt, seq }]) => [key, `${effectiveAt}:${seq}`]),
    );
    const text = JSON.stringify({
      format: FORMAT,
      savedAt: new Date().toISOString(),
      revision,
      values,
      versions: stored,
    });
    const directory = dirname(this.options.path);
    const temporary = `${this.options.path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    await mkdir(directory, { recursive: true });
    try {
      await writeDurably(temporary, text);
      await rename(temporary, this.options.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    await fsyncDirectory(directory);
  }
}

async function writeDurably(path: string, text: string): Promise<void> {
  const file = await open(path, 'wx', FILE_MODE);
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
}

/** Makes the rename itself durable, where the platform can (Windows cannot open a directory). */
async function fsyncDirectory(path: string): Promise<void> {
  let directory;
  try {
    directory = await open(path, 'r');
  } catch (error) {
    if (DIRECTORY_NOT_OPENABLE.has((error as NodeJS.ErrnoException).code ?? '')) return;
    throw error;
  }
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

function parseBackup(text: string, path: string): ConfigSnapshot {
  const backup = JSON.parse(text) as Partial<{
    format: string;
    revision: number;
    values: Record<string, unknown>;
    versions: Record<string, string>;
  }>;
  const { revision, values, versions } = backup;
  if (
    backup.format !== FORMAT ||
    !Number.isSafeInteger(revision) ||
    !isRecord(values) ||
    !isRecord(versions) ||
    !Object.values(versions).every((stored) => typeof stored === 'string' && STORED_VERSION.test(stored))
  ) {
    throw new Error(`${path} is not a ${FORMAT} file`);
  }
  return {
    revision: revision as number,
    values,
    versions: Object.fromEntries(
      Object.entries(versions).map(([key, stored]) => [key, parseStoredVersion(stored)]),
    ),
  };
}
