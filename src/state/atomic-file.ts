import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `text` to `path` so that a reader (or a crash) only ever sees the old file or the new one:
 * write a temp file in the same directory, fsync it, rename it over the target, then fsync the directory.
 * lowdb's own JSONFile (steno) renames but never fsyncs and leaves the mode to the umask; the state file
 * holds the ownership record, so it gets both.
 */
export async function writeFileAtomic(path: string, text: string, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  let renamed = false;
  try {
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    renamed = true;
    await syncDirectory(dir);
  } finally {
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
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

/** Creates the state directory (0700: the file maps the organization's people) if it is missing. */
export async function ensureDirectory(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
}

