import { lstat, rename } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadConfig } from '../../config/index.js';
import { ConfigError } from '../../errors.js';
import { recordApplied } from '../../apply/index.js';
import { computePlan } from '../../plan/index.js';
import { createSource, createTarget, policyFromConfig, snapshotHash } from '../../run/index.js';
import { errnoError, freshState, openStateStore, readStateFile, stateIoError, type SyncState } from '../../state/index.js';
import { parseCommandArgs } from '../args.js';
import { requireConfigPath, loggerFor } from '../context.js';
import { formatError } from '../errors.js';
import { STATE } from '../specs.js';
import { randomUUID } from 'node:crypto';

/** `scimsync state show|rebuild -c FILE [--json]`. */
export async function stateCommand(argv: string[]): Promise<number> {
  const args = parseCommandArgs(STATE, argv);
  if (!args) return 0;
  const { values, positionals } = args;
  const sub = positionals[0];
  if (sub !== 'show' && sub !== 'rebuild') {
    throw new ConfigError(
      `scimsync state: expected "show" or "rebuild", got "${sub ?? ''}"`,
      [],
      'run `scimsync state show -c FILE` or `scimsync state rebuild -c FILE`',
    );
  }
  const loaded = await loadConfig(requireConfigPath(values.config));
  try {
    return sub === 'show' ? await show(loaded.config.state.path, loaded.config.target.url, values.json) : await rebuild(loaded);
  } catch (err) {
    process.stderr.write(formatError(err, loaded.secrets));
    return 1;
  }
}

async function show(path: string, target: string, json: boolean): Promise<number> {
  const state = await readStateFile(path, { target });
  if (!state) {
    process.stdout.write(json ? JSON.stringify({ path, exists: false }) + '\n' : `${path}: no state yet (nothing is managed; the first apply creates it)\n`);
    return 0;
  }
  if (json) {
    process.stdout.write(JSON.stringify({ path, exists: true, ...state }, null, 2) + '\n');
    return 0;
  }
  const users = Object.values(state.users);
  const groups = Object.values(state.groups);
  const count = (xs: { ownership: string }[], o: string) => xs.filter((x) => x.ownership === o).length;
  const lines = [
    `state file   ${path}`,
    `format       v${state.version}, lineage ${state.lineage}, serial ${state.serial}`,
    `target       ${state.target}`,
    `users        ${users.length} managed (${count(users, 'created')} created, ${count(users, 'adopted')} adopted)`,
    `groups       ${groups.length} managed (${count(groups, 'created')} created, ${count(groups, 'adopted')} adopted)`,
  ];
  if (state.lastRun) {
    const r = state.lastRun;
    lines.push(`last run     ${r.outcome} at ${r.finishedAt} (${r.failed} failed; requests ${JSON.stringify(r.requests)})`);
  } else lines.push('last run     none');
  if (state.progress) lines.push(`in progress  ${state.progress.done.length} of ${state.progress.total} operations of an unfinished apply`);
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

/**
 * Rebuilds ownership from the target: every target user whose userName matches a source user, and every
 * target group whose name matches a synced source group, is recorded as adopted. Nothing is written to the
 * target. The old file (corrupt, or made for another target) is kept beside the new one
 * (`.before-rebuild-<time>`), never deleted. The lock comes first: while an apply runs, rebuild refuses
 * and leaves its state file where it is.
 */
async function rebuild(loaded: Awaited<ReturnType<typeof loadConfig>>): Promise<number> {
  const logger = loggerFor(loaded);
  const path = resolve(loaded.config.state.path);
  const source = createSource(loaded, logger);
  const target = createTarget(loaded, logger);
  try {
    const store = await openStateStore(path, { target: target.baseUrl, logger });
    try {
      const [desired, actual] = [await source.read(), await target.snapshot()];
      const aside = await moveAside(path);
      if (aside) process.stdout.write(`kept the previous state file as ${aside}\n`);
      const base = freshState(target.baseUrl, randomUUID());
      const policy = { ...policyFromConfig(loaded.config), deprovision: 'none' as const };
      const plan = computePlan(desired, actual, base, policy, {
        target: target.baseUrl,
        configHash: loaded.hash,
        actualHash: snapshotHash(actual),
        createdAt: new Date().toISOString(),
      });
      let state: SyncState = base;
      for (const op of plan.operations) {
        if (op.kind === 'adoptUser' || op.kind === 'adoptGroup') state = recordApplied(state, op, { targetId: op.target.id });
      }
      store.update(state);
      await store.flush();
      process.stdout.write(
        `rebuilt ${path}: ${Object.keys(state.users).length} users and ${Object.keys(state.groups).length} groups adopted from ${target.baseUrl} ` +
          `(of ${actual.users.length} users and ${actual.groups.length} groups in the target). Target users not in the source stay unmanaged.\n`,
      );
    } finally {
      await store.close();
    }
    return 0;
  } finally {
    await Promise.allSettled([source.close(), target.close()]);
  }
}

/** Renames the state file to `<path>.before-rebuild-<time>`; undefined if there is none. */
async function moveAside(path: string): Promise<string | undefined> {
  const info = await lstat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw stateIoError(err, path, 'read state file');
  });
  if (!info) return undefined;
  if (info.isDirectory()) throw stateIoError(errnoError('EISDIR', `${path} is a directory`), path, 'move aside state file');
  const aside = `${path}.before-rebuild-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  await rename(path, aside).catch((err: unknown) => {
    throw stateIoError(err, path, 'move aside state file');
  });
  return aside;
}
