import { randomBytes } from 'node:crypto';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { crashPoint } from './crash-points.js';

/**
 * Writes `text` to `path` so that a reader (or a crash) only ever sees the old file or the new one:
 * write a temp file in the same directory, fsync it, rename it over the target, then fsync the directory.
 * lowdb's own JSONFile (steno) renames but never fsyncs and leaves the mode to the umask; the state file
 * holds the ownership record, so it gets both.
 */
export async function writeFileAtomic(path: string, text: string | Buffer, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `${tempPrefix(path)}${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  crashPoint('state-temp-created');
  let renamed = false;
  try {
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    crashPoint('state-temp-written');
    await rename(temp, path);
    renamed = true;
    crashPoint('state-renamed');
    await syncDirectory(dir);
  } finally {
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
}

function tempPrefix(path: string): string {
  return `.${basename(path)}.`;
}

/**
 * Temp files of writes killed before their rename. Only the lock holder writes the state, so once we hold
 * the lock every such file is a leftover of a dead process: removed, so crashes do not pile them up.
 */
export async function removeTempLeftovers(path: string): Promise<number> {
  const dir = dirname(path);
  const prefix = tempPrefix(path);
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.startsWith(prefix) && n.endsWith('.tmp'));
  await Promise.all(names.map((n) => unlink(join(dir, n)).catch(() => undefined)));
  return names.length;
}

/** The rename is durable only once the directory entry is; some platforms cannot open a directory: best effort. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // EISDIR/EPERM on platforms that do not allow fsync on a directory: the rename itself is still atomic.
  } finally {
    await handle?.close();
  }
}
