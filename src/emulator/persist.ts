import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import type { GroupRec, Store, UserRec } from './store.js';

/** The store as JSON: creation order is the array order (no seq); members as arrays; no undefined values. */
interface PersistedFile {
  version: 1;
  profile: string;
  nextGroupId: number;
  users: (Omit<UserRec, 'externalId' | 'seq' | 'active'> & { externalId?: string; active?: boolean })[];
  groups: (Omit<GroupRec, 'members' | 'seq' | 'externalId'> & { members: string[]; externalId?: string })[];
}

function corrupt(path: string, detail: string): ConfigError {
  return new ConfigError(
    `emulator persistence file ${path} is unusable: ${detail}`,
    [{ path: 'persistPath', message: detail }],
    `delete ${path} to start empty, or point persistPath at another file`,
  );
}

/** Loads users and groups saved by an earlier run; false when the file does not exist yet. */
export function loadPersisted(store: Store, path: string): boolean {
  if (!existsSync(path)) return false;
  let data: PersistedFile;
  try {
    data = JSON.parse(readFileSync(path, 'utf8')) as PersistedFile;
  } catch (err) {
    throw corrupt(path, `not valid JSON (${(err as Error).message})`);
  }
  if (data?.version !== 1 || !Array.isArray(data.users) || !Array.isArray(data.groups)) throw corrupt(path, 'not an emulator store (version 1)');
  if (data.profile !== store.profile) throw corrupt(path, `it was written by the ${data.profile} profile, not ${store.profile}`);
  for (const u of data.users as (PersistedFile['users'][number] & { email?: string })[]) {
    const rec = store.addUser({ ...u, id: u.id });
    // Files written before emails were kept as a list hold one `email`.
    rec.emails = u.emails ?? [{ value: u.email ?? rec.userName, primary: true }];
    rec.active = u.active;
    rec.created = u.created;
    rec.lastModified = u.lastModified;
    rec.version = u.version;
  }
  for (const g of data.groups) {
    // Keep the saved ids: clients hold them in their state files.
    const rec = store.addGroup(
      g.displayName,
      g.members.filter((m) => store.users.has(m)),
      g.id,
      g.externalId,
    );
    rec.created = g.created;
    rec.lastModified = g.lastModified;
    rec.version = g.version;
  }
  store.nextGroupId = Math.max(store.nextGroupId, data.nextGroupId ?? 0);
  return true;
}

function snapshot(store: Store): PersistedFile {
  return {
    version: 1,
    profile: store.profile,
    nextGroupId: store.nextGroupId,
    users: store.orderedUsers().map((u) => ({
      id: u.id,
      userName: u.userName,
      emails: u.emails,
      givenName: u.givenName,
      familyName: u.familyName,
      ...(u.active === undefined ? {} : { active: u.active }),
      pending: u.pending,
      ...(u.externalId === undefined ? {} : { externalId: u.externalId }),
      created: u.created,
      lastModified: u.lastModified,
      version: u.version,
    })),
    groups: store.orderedGroups().map((g) => ({
      id: g.id,
      displayName: g.displayName,
      ...(g.externalId === undefined ? {} : { externalId: g.externalId }),
      members: [...g.members],
      created: g.created,
      lastModified: g.lastModified,
      version: g.version,
    })),
  };
}

/**
 * Writes the store after writes, batched: a burst of requests costs one file write, not one each.
 * The file is replaced atomically (write a temp file, then rename).
 */
export class Persister {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly path: string,
    private readonly delayMs = 25,
  ) {}

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.delayMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const tmp = `${this.path}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(snapshot(this.store)));
    renameSync(tmp, this.path);
  }
}
