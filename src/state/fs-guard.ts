import { constants } from 'node:fs';
import { mkdir, open, realpath, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { StateError } from '../errors.js';
import { utf8Text } from '../utf8-text.js';

/**
 * File-system failures on the state path, as one line a person can act on. Every syscall the state and the
 * lock make goes through here, so an EACCES or a full disk never reaches the user as "this is unexpected".
 */
const REASONS: Readonly<Record<string, (file: string, dir: string) => { why: string; fix: string }>> = {
  EACCES: (_f, dir) => ({
    why: 'permission denied',
    fix: `give the user running scimsync (uid ${uid()}) read and write access to ${dir}, or set state.path to a directory it owns`,
  }),
  EPERM: (_f, dir) => ({
    why: 'operation not permitted',
    fix: `give the user running scimsync (uid ${uid()}) read and write access to ${dir}, or set state.path to a directory it owns`,
  }),
  EROFS: (_f, dir) => ({
    why: `${dir} is on a read-only file system`,
    fix: 'set state.path to a writable location (in a container, mount a writable volume there)',
  }),
  ENOSPC: (_f, dir) => ({ why: 'no space left on the device', fix: `free space on the file system holding ${dir}, then run again` }),
  EDQUOT: (_f, dir) => ({ why: 'disk quota exceeded', fix: `free space or raise the quota on the file system holding ${dir}, then run again` }),
  EISDIR: (file) => ({ why: `${file} is a directory, not a file`, fix: `set state.path to a file, e.g. ${join(file, 'state.json')}` }),
  ENOTDIR: (_f, dir) => ({ why: `a part of ${dir} is a file, not a directory`, fix: 'set state.path under a directory, or move that file out of the way' }),
  ENOENT: (_f, dir) => ({ why: `${dir} cannot be created or used there`, fix: 'set state.path to a directory on an ordinary disk' }),
  ENAMETOOLONG: () => ({ why: 'the path is too long', fix: 'set state.path to a shorter path' }),
  ELOOP: () => ({ why: 'too many symbolic links (a loop?)', fix: 'fix the symbolic links on the way to state.path, or set another path' }),
  EIO: (_f, dir) => ({ why: 'an I/O error from the disk', fix: `check the disk holding ${dir} (dmesg), then run again` }),
  EMFILE: () => ({ why: 'too many open files', fix: 'raise the open-files limit (ulimit -n) for scimsync' }),
  ENFILE: () => ({ why: 'too many open files on the system', fix: 'raise the system open-files limit, or stop what holds them' }),
  EAGAIN: (file) => ({ why: `${file} is not an ordinary file (reading it would block)`, fix: 'set state.path to a regular file on a disk' }),
  EXDEV: (_f, dir) => ({ why: `${dir} spans file systems`, fix: 'set state.path to a directory on an ordinary disk' }),
};
// mkdir on a path whose parent is a file answers EEXIST: the same problem as ENOTDIR.
const ALIASES: Readonly<Record<string, string>> = { EEXIST: 'ENOTDIR', EWOULDBLOCK: 'EAGAIN' };

function uid(): string {
  return typeof process.getuid === 'function' ? String(process.getuid()) : 'unknown';
}

/** `action` reads in the message: "cannot {action} {file}: {why} ({CODE}){note}". */
export function stateIoError(err: unknown, file: string, action: string, note = ''): StateError {
  const raw = (err as NodeJS.ErrnoException | undefined)?.code;
  const code = raw === undefined ? undefined : (ALIASES[raw] ?? raw);
  const reason = code === undefined ? undefined : REASONS[code]?.(file, dirname(file));
  const detail = reason?.why ?? (err instanceof Error ? err.message : String(err));
  return new StateError(
    'SCIMSYNC_STATE_IO',
    `cannot ${action} ${file}: ${detail}${raw ? ` (${raw})` : ''}${note}`,
    reason?.fix ?? `check ${file} and the file system it is on, then run again`,
    err,
  );
}

/** An error with an errno code, for the checks the syscalls themselves would not make. */
export function errnoError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/**
 * Kernel pseudo file systems: files there are not storage, reads may block (/proc/kmsg) and Node's
 * recursive mkdir loops forever on /proc (ENOENT from a parent that exists). Refused up front.
 */
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];

/** Refuses a state path that resolves into /proc, /sys or /dev. */
export async function assertOrdinaryLocation(file: string): Promise<void> {
  const existing = await nearestExisting(dirname(file));
  const real = await realpath(existing).catch(() => existing);
  const root = PSEUDO_ROOTS.find((r) => real === r || real.startsWith(`${r}/`));
  if (root) {
    throw new StateError(
      'SCIMSYNC_STATE_IO',
      `state file ${file} would live on the kernel's ${root} file system, which cannot hold files`,
      'set state.path to a file on an ordinary disk, e.g. ./.scimsync/state.json',
    );
  }
}

/** Walks up from `dir` to the first path that exists (the root always does). Bounded by the path's depth. */
async function nearestExisting(dir: string): Promise<string> {
  let current = dir;
  for (;;) {
    try {
      await stat(current);
      return current;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return current;
      const up = dirname(current);
      if (up === current) return current;
      current = up;
    }
  }
}

/**
 * Creates the state directory (0700: the file maps the organization's people) if it is missing. One mkdir
 * per missing level instead of `recursive: true`, which never returns on some pseudo file systems.
 */
export async function ensureDirectory(file: string): Promise<void> {
  await assertOrdinaryLocation(file);
  const missing: string[] = [];
  let current = dirname(file);
  for (;;) {
    let isDir: boolean;
    try {
      isDir = (await stat(current)).isDirectory();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw stateIoError(err, file, 'create the directory of state file');
      missing.push(current);
      const up = dirname(current);
      if (up === current) break;
      current = up;
      continue;
    }
    if (!isDir) throw stateIoError(errnoError('ENOTDIR', `${current} is not a directory`), file, 'create the directory of state file');
    break;
  }
  for (const dir of missing.reverse()) {
    try {
      await mkdir(dir, { mode: 0o700 });
    } catch (err) {
      // Created meanwhile by another process: fine if it is a directory (the next level's mkdir tells).
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw stateIoError(err, file, 'create the directory of state file');
    }
  }
}

/** A regular file's text and mtime; undefined if it does not exist (readRegularFileBytes, decoded as UTF-8). */
export async function readRegularFile(path: string, action: string): Promise<{ text: string; mtimeMs: number } | undefined> {
  const file = await readRegularFileBytes(path, action);
  return file && { text: utf8Text(file.bytes), mtimeMs: file.mtimeMs };
}

/**
 * A regular file's bytes and mtime; undefined if it does not exist. Opened non-blocking, so a FIFO or a
 * device planted at the path cannot hang the run, and anything but a regular file is an error naming it.
 */
export async function readRegularFileBytes(path: string, action: string): Promise<{ bytes: Buffer; mtimeMs: number } | undefined> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw stateIoError(err, path, action);
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw errnoError('EISDIR', `${path} is a directory`);
    if (!info.isFile()) throw errnoError('EAGAIN', `${path} is not a regular file`);
    return { bytes: await handle.readFile(), mtimeMs: info.mtimeMs };
  } catch (err) {
    throw stateIoError(err, path, action);
  } finally {
    await handle.close();
  }
}
