/**
 * The target as scimsync last read it in full, plus the writes it applied since, kept beside the state file
 * (`state.json` → `state.target.json`). Runs between full reads plan against it instead of listing the whole
 * target, so a run costs what changed. It is a cache, never a source of truth: it belongs to one state file
 * (lineage) at one commit (serial), and anything that does not fit — another lineage or serial, another
 * target or profile, an unreadable file — only means "read the target in full".
 *
 * Written with the state file's atomic write (temp + fsync + rename, mode 0600), under the state lock (only
 * `apply` and the daemon write it), with its own format version. Users are stored as tuples and group
 * members as indexes into the user list, so 100,000 users and 500,000 memberships stay a few MB.
 */
import { unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TargetGroup, TargetSnapshot, TargetUser } from '../model/index.js';
import { syncDirectory, writeFileAtomic } from './atomic-file.js';
import { readRegularFileBytes } from './fs-guard.js';
import { utf8Text } from '../utf8-text.js';
import { KeptParses } from '../kept-parses.js';

export const TARGET_SNAPSHOT_VERSION = 1 as const;

export interface TargetSnapshotMeta {
  /** The state file this snapshot belongs to (its lineage) and the state serial it was written with. */
  readonly lineage: string;
  readonly stateSerial: number;
  readonly target: string;
  readonly profile: string;
  /** When the target was last listed in full, and what that cost. */
  readonly readAt: string;
  readonly readRequests: number;
  /** Write requests applied (and folded in) since that read. */
  readonly writesSince: number;
  /** Set when the next run must read in full: why (the target contradicted a write, the run did not converge). */
  readonly fullReadDue?: string | undefined;
}

export interface StoredTargetSnapshot {
  readonly meta: TargetSnapshotMeta;
  readonly actual: TargetSnapshot;
}

export type SnapshotRead =
  | {
      readonly ok: true;
      readonly snapshot: StoredTargetSnapshot;
      /** The users-and-groups part of the file as read: a run that wrote nothing writes it back as is. */
      readonly body: string;
    }
  | { readonly ok: false; readonly problem: string };

/** The daemon's snapshots as read or written (kept-parses.ts): a run whose file is unchanged skips the decode. */
const keptSnapshots = new KeptParses<SnapshotRead>();

/** `state.json` → `state.target.json` (another name gets `.target.json` appended). */
export function targetSnapshotPath(statePath: string): string {
  return statePath.endsWith('.json') ? `${statePath.slice(0, -'.json'.length)}.target.json` : `${statePath}.target.json`;
}

type UserTuple = [id: string, userName: string, givenName: string | null, familyName: string | null, active: 0 | 1, externalId?: string];
type GroupTuple = [id: string, displayName: string, members: (number | string)[]];

const BODY_START = ',"users":[';

/**
 * The file's text. `body` (from an unchanged snapshot as read) is reused instead of serialising 100,000
 * users again: only the meta changes. It starts at the first `,"users":[`, which JSON escaping keeps out of
 * any string value, so it is the key.
 */
export function encodeTargetSnapshot(s: StoredTargetSnapshot, body?: string): string {
  const head = JSON.stringify({ version: TARGET_SNAPSHOT_VERSION, ...s.meta });
  if (body !== undefined) return `${head.slice(0, -1)}${body}`;
  const index = new Map<string, number>();
  const users: UserTuple[] = s.actual.users.map((u, i) => {
    index.set(u.id, i);
    const t: UserTuple = [u.id, u.userName, u.givenName, u.familyName, u.active ? 1 : 0];
    if (u.externalId !== undefined) t.push(u.externalId);
    return t;
  });
  const groups: GroupTuple[] = s.actual.groups.map((g) => [g.id, g.displayName, g.members.map((m) => index.get(m) ?? m)]);
  return `${head.slice(0, -1)}${BODY_START}${JSON.stringify(users).slice(1)},"groups":${JSON.stringify(groups)}}\n`;
}

const isStr = (v: unknown): v is string => typeof v === 'string';
const isStrOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';

function decodeUser(t: unknown, i: number): TargetUser | string {
  if (!Array.isArray(t) || t.length < 5 || t.length > 6) return `users[${i}] is not a user tuple`;
  const [id, userName, givenName, familyName, active, externalId] = t as unknown[];
  if (!isStr(id) || id === '' || !isStr(userName) || !isStrOrNull(givenName) || !isStrOrNull(familyName) || (active !== 0 && active !== 1)) {
    return `users[${i}] has a field of the wrong type`;
  }
  if (externalId !== undefined && !isStr(externalId)) return `users[${i}].externalId is not a string`;
  return { id, userName, givenName, familyName, active: active === 1, ...(externalId === undefined ? {} : { externalId }) };
}

function decodeGroup(t: unknown, i: number, users: readonly TargetUser[]): TargetGroup | string {
  if (!Array.isArray(t) || t.length !== 3) return `groups[${i}] is not a group tuple`;
  const [id, displayName, members] = t as unknown[];
  if (!isStr(id) || id === '' || !isStr(displayName) || !Array.isArray(members)) return `groups[${i}] has a field of the wrong type`;
  const ids: string[] = new Array<string>(members.length);
  for (let k = 0; k < members.length; k++) {
    const m: unknown = members[k];
    const id = typeof m === 'number' ? users[m]?.id : isStr(m) ? m : undefined;
    if (id === undefined) return `groups[${i}].members[${k}] names no user`;
    ids[k] = id;
  }
  return { id, displayName, members: ids };
}

/** Parses and checks a snapshot document; never throws (a bad file only means a full read). */
export function decodeTargetSnapshot(text: string): SnapshotRead {
  let doc: Record<string, unknown>;
  try {
    const raw: unknown = JSON.parse(text);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, problem: 'not a JSON object' };
    doc = raw as Record<string, unknown>;
  } catch {
    return { ok: false, problem: 'not valid JSON' };
  }
  if (doc.version !== TARGET_SNAPSHOT_VERSION) return { ok: false, problem: `format version ${String(doc.version)}, not ${TARGET_SNAPSHOT_VERSION}` };
  const { lineage, stateSerial, target, profile, readAt, readRequests, writesSince, fullReadDue } = doc;
  if (!isStr(lineage) || !isStr(target) || !isStr(profile) || !isStr(readAt) || Number.isNaN(Date.parse(readAt))) {
    return { ok: false, problem: 'lineage, target, profile or readAt missing' };
  }
  if (!Number.isInteger(stateSerial) || !Number.isInteger(readRequests) || !Number.isInteger(writesSince)) {
    return { ok: false, problem: 'stateSerial, readRequests or writesSince is not an integer' };
  }
  if (fullReadDue !== undefined && fullReadDue !== null && !isStr(fullReadDue)) return { ok: false, problem: 'fullReadDue is not a string' };
  if (!Array.isArray(doc.users) || !Array.isArray(doc.groups)) return { ok: false, problem: 'users or groups is not a list' };
  const users: TargetUser[] = [];
  for (let i = 0; i < doc.users.length; i++) {
    const u = decodeUser(doc.users[i], i);
    if (typeof u === 'string') return { ok: false, problem: u };
    users.push(u);
  }
  const groups: TargetGroup[] = [];
  for (let i = 0; i < doc.groups.length; i++) {
    const g = decodeGroup(doc.groups[i], i, users);
    if (typeof g === 'string') return { ok: false, problem: g };
    groups.push(g);
  }
  const meta: TargetSnapshotMeta = {
    lineage,
    stateSerial: stateSerial as number,
    target,
    profile,
    readAt,
    readRequests: readRequests as number,
    writesSince: writesSince as number,
    ...(isStr(fullReadDue) ? { fullReadDue } : {}),
  };
  return { ok: true, snapshot: { meta, actual: { users, groups } }, body: bodyOf(text) };
}

function bodyOf(text: string): string {
  return text.slice(text.indexOf(BODY_START));
}

/**
 * The snapshot beside the state file; undefined when there is none. Read as the state file is (non-blocking,
 * regular files only), so a FIFO or a device at its path is an unusable snapshot (a full read), not a run that
 * hangs on its first read.
 */
export async function readTargetSnapshot(path: string): Promise<SnapshotRead | undefined> {
  let file: Awaited<ReturnType<typeof readRegularFileBytes>>;
  try {
    file = await readRegularFileBytes(path, 'read the target snapshot');
  } catch (err) {
    const code = ((err as Error).cause as NodeJS.ErrnoException | undefined)?.code;
    return { ok: false, problem: `cannot be read (${code ?? (err as Error).message})` };
  }
  if (file === undefined) return undefined;
  return keptSnapshots.parse(path, file.bytes, (b) => decodeTargetSnapshot(utf8Text(b)));
}

/** Atomic, 0600, like the state file. The caller holds the state lock. `body`: see encodeTargetSnapshot. */
export async function writeTargetSnapshot(path: string, snapshot: StoredTargetSnapshot, body?: string): Promise<void> {
  const text = encodeTargetSnapshot(snapshot, body);
  const bytes = Buffer.from(text);
  await writeFileAtomic(path, bytes);
  keptSnapshots.wrote(path, bytes, { ok: true, snapshot, body: bodyOf(text) });
}

/**
 * Removes the snapshot before an apply writes to the target: if the run dies before it writes the new one,
 * the next run finds none and reads in full, never a snapshot that misses writes the target took.
 */
export async function discardTargetSnapshot(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  await syncDirectory(dirname(path));
}
