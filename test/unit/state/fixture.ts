import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { StateError } from '../../../src/errors.js';
import { openStateStore, type FileStateStoreHandle } from '../../../src/state/index.js';

export const TARGET = 'https://core.amplitude.com/scim/1/';

/** A fresh temp dir per test, and the stores a test opened closed after it. */
export function stateFixture(): { dir(): string; open(path: string): Promise<FileStateStoreHandle> } {
  let dir = '';
  const stores: FileStateStoreHandle[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scimsync-state-'));
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });
  return {
    dir: () => dir,
    async open(path) {
      const store = await openStateStore(path, { target: TARGET });
      stores.push(store);
      return store;
    },
  };
}

/** The StateError `p` rejects with (fails the test if it resolves or rejects with anything else). */
export async function stateErrorOf(p: Promise<unknown>): Promise<StateError> {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StateError);
  return err as StateError;
}
