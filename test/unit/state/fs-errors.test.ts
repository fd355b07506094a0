import { spawnSync } from 'node:child_process';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStateFile, stateIoError } from '../../../src/state/index.js';
import { stateErrorOf as stateError, stateFixture } from './fixture.js';

/**
 * Issue 8: a state path the file system refuses ends at once with a StateError naming the path and the fix,
 * never a raw errno ("this is unexpected") and never a hang. Errnos come from real syscalls where the box
 * can make them (tests run as root, so chmod cannot make EACCES: /sys does).
 */
const fx = stateFixture();

/** The error a real syscall gives. */
async function errnoOf(action: () => Promise<unknown>): Promise<NodeJS.ErrnoException> {
  const err = await action().then(
    () => undefined,
    (e: unknown) => e as NodeJS.ErrnoException,
  );
  expect(err?.code).toBeTruthy();
  return err!;
}

async function openAndLoad(path: string): Promise<void> {
  await (await fx.open(path)).load();
}

describe('state path refused by the file system: SCIMSYNC_STATE_IO with the path and the fix', () => {
  it('EISDIR: the state path is a directory (open+load, and the read-only reader)', async () => {
    const path = join(fx.dir(), 'state.json');
    await mkdir(path);
    const err = await stateError(openAndLoad(path));
    expect(err.code).toBe('SCIMSYNC_STATE_IO');
    expect(err.message).toContain(`${path} is a directory`);
    expect(err.fix).toContain(join(path, 'state.json'));
    expect((await stateError(readStateFile(path))).code).toBe('SCIMSYNC_STATE_IO');
  });

  it('ENOTDIR: a parent of the state path is a file', async () => {
    await writeFile(join(fx.dir(), 'afile'), 'x');
    const path = join(fx.dir(), 'afile', 'sub', 'state.json');
    const err = await stateError(openAndLoad(path));
    expect(err.code).toBe('SCIMSYNC_STATE_IO');
    expect(err.message).toContain(path);
    expect(err.message).toContain('ENOTDIR');
    expect(err.fix).toMatch(/under a directory/);
    expect((await stateError(readStateFile(join(fx.dir(), 'afile', 'state.json')))).message).toContain('ENOTDIR');
  });

  it.each([
    ["/proc (Node's recursive mkdir never returns there)", '/proc/self/scimsync/state.json'],
    ['/sys', '/sys/scimsync-test/state.json'],
    ['/dev', '/dev/full'],
  ])(
    'a path under %s is refused up front, by open and by the reader',
    async (_name, path) => {
      const err = await stateError(openAndLoad(path));
      expect(err.code).toBe('SCIMSYNC_STATE_IO');
      expect(err.message).toContain(path);
      expect(err.fix).toMatch(/ordinary disk/);
      expect((await stateError(readStateFile(path))).code).toBe('SCIMSYNC_STATE_IO');
    },
    15_000,
  );

  it('a FIFO at the state path or at its lock path does not hang (a read would block forever)', async () => {
    const path = join(fx.dir(), 'state.json');
    expect(spawnSync('mkfifo', [path]).status).toBe(0);
    expect((await stateError(readStateFile(path))).message).toContain('not an ordinary file');
    const other = join(fx.dir(), 'other.json');
    expect(spawnSync('mkfifo', [`${other}.lock`]).status).toBe(0);
    const err = await stateError(openAndLoad(other));
    expect(err.code).toBe('SCIMSYNC_STATE_IO');
    expect(err.message).toContain(`${other}.lock`);
  }, 15_000);
});

describe('errno → message, from real syscalls', () => {
  const file = '/srv/scimsync/state.json';

  it('ENOSPC (writing /dev/full): no space, free space, the last write is intact', async () => {
    const err = await errnoOf(async () => {
      const h = await open('/dev/full', 'w');
      try {
        await h.writeFile('{}');
      } finally {
        await h.close();
      }
    });
    expect(err.code).toBe('ENOSPC');
    const e = stateIoError(err, file, 'write state file', '; the file on disk is the last complete write');
    expect(e.code).toBe('SCIMSYNC_STATE_IO');
    expect(e.message).toBe(
      'cannot write state file /srv/scimsync/state.json: no space left on the device (ENOSPC); the file on disk is the last complete write',
    );
    expect(e.fix).toBe('free space on the file system holding /srv/scimsync, then run again');
  });

  it('EACCES (creating a file in /sys, even as root): permission denied, names the uid and the directory', async () => {
    const err = await errnoOf(() => writeFile('/sys/scimsync-probe', 'x', { flag: 'wx' }));
    expect(err.code).toBe('EACCES');
    const e = stateIoError(err, file, 'create the lock');
    expect(e.message).toBe('cannot create the lock /srv/scimsync/state.json: permission denied (EACCES)');
    expect(e.fix).toContain(`uid ${process.getuid?.()}`);
    expect(e.fix).toContain('/srv/scimsync');
  });

  it('EISDIR and ENOTDIR from real reads', async () => {
    const isDir = await errnoOf(() => readFile(fx.dir()));
    expect(stateIoError(isDir, fx.dir(), 'read state file').message).toContain(`${fx.dir()} is a directory, not a file (EISDIR)`);
    await writeFile(join(fx.dir(), 'f'), '');
    const notDir = await errnoOf(() => readFile(join(fx.dir(), 'f', 'state.json')));
    expect(notDir.code).toBe('ENOTDIR');
    expect(stateIoError(notDir, join(fx.dir(), 'f', 'state.json'), 'read state file').fix).toMatch(/under a directory/);
  });

  it('EROFS (no read-only mount to make it real here): read-only file system, a writable volume', () => {
    const e = stateIoError(Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' }), file, 'write state file');
    expect(e.message).toBe('cannot write state file /srv/scimsync/state.json: /srv/scimsync is on a read-only file system (EROFS)');
    expect(e.fix).toMatch(/writable volume/);
  });

  it('an unknown errno still names the path, the code and a fix', () => {
    const e = stateIoError(Object.assign(new Error('ESTALE: stale file handle'), { code: 'ESTALE' }), file, 'read state file');
    expect(e.message).toBe('cannot read state file /srv/scimsync/state.json: ESTALE: stale file handle (ESTALE)');
    expect(e.fix).toContain(file);
  });
});
