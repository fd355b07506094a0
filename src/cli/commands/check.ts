import { loadConfig, type LoadedConfig } from '../../config/index.js';
import { scrub, UNEXPECTED_FIX } from '../../error-text.js';
import { ConfigError, isScimsyncError } from '../../errors.js';
import { createLogger, type Logger } from '../../log.js';
import type { DesiredSnapshot, TargetSnapshot } from '../../model/index.js';
import { computePlan } from '../../plan/index.js';
import { createSource, createTarget, policyFromConfig } from '../../run/index.js';
import { readStateFile, sameTarget, type SyncState } from '../../state/index.js';
import { parseCommandArgs } from '../args.js';
import { requireConfigPath } from '../context.js';
import { CHECK } from '../specs.js';

/** One checked step: ✔ or ✖, what was found, and for ✖ the fix. */
export interface CheckStep {
  readonly name: 'config' | 'source' | 'target' | 'state' | 'safety';
  readonly ok: boolean;
  readonly text: string;
  readonly details?: readonly string[];
  readonly fix?: string | undefined;
}

/**
 * `scimsync check -c FILE`: validates the config, reads the source, authenticates to the target by listing
 * it, and reads the state file without locking it. Exit 0 when every step passed, 1 otherwise. It never
 * writes anywhere (no state file is created, no lock taken, only GETs to the target), so it is safe to run
 * beside a daemon. Like "Test API credentials", for both ends.
 */
export async function checkCommand(argv: string[]): Promise<number> {
  const args = parseCommandArgs(CHECK, argv);
  if (!args) return 0;
  const steps = await runChecks(requireConfigPath(args.values.config), (step, secrets) => process.stdout.write(renderStep(step, secrets)));
  return steps.every((s) => s.ok) ? 0 : 1;
}

/** Runs every check it can, reporting each step as it completes. */
export async function runChecks(configPath: string, report: (step: CheckStep, secrets: readonly string[]) => void): Promise<CheckStep[]> {
  const steps: CheckStep[] = [];
  const emit = (step: CheckStep, secrets: readonly string[]): void => {
    steps.push(step);
    report(step, secrets);
  };

  let loaded: LoadedConfig;
  try {
    loaded = await loadConfig(configPath);
  } catch (err) {
    emit(failure('config', configPath, err), []);
    return steps;
  }
  const cfg = loaded.config;
  emit(
    {
      name: 'config',
      ok: true,
      text: `${loaded.path} is valid (source ${cfg.source.type}, target ${cfg.target.profile} profile)`,
      details: loaded.warnings.map((w) => `warning: ${w}`),
    },
    loaded.secrets,
  );

  // Progress logs would interleave with the ✔ lines: only warnings and errors go to stderr.
  const logger = createLogger({ level: 'warn', pretty: process.stderr.isTTY === true });
  const [sourceResult, targetResult] = await Promise.all([checkSource(loaded, logger), checkTarget(loaded, logger)]);
  emit(sourceResult.step, loaded.secrets);
  emit(targetResult.step, loaded.secrets);
  const stateResult = await checkState(loaded, targetResult.baseUrl, targetResult.snapshot);
  emit(stateResult.step, loaded.secrets);
  const safety = checkSafetyOf(loaded, sourceResult.snapshot, targetResult, stateResult.state);
  if (safety) emit(safety, loaded.secrets);
  return steps;
}

/**
 * What a run would refuse or hold, from the three reads above (no extra request): managed users whose source
 * entry cannot be read, and a source whose groups vanished. Reported only when there is something to fix.
 */
function checkSafetyOf(loaded: LoadedConfig, desired: DesiredSnapshot | undefined, target: TargetResult, state: SyncState | undefined): CheckStep | undefined {
  if (!desired || !target.snapshot || !state) return undefined;
  let held;
  try {
    const ctx = { target: target.baseUrl, configHash: loaded.hash, actualHash: '', createdAt: new Date().toISOString() };
    held = computePlan(desired, target.snapshot, state, policyFromConfig(loaded.config), ctx).held;
  } catch (err) {
    return failure('safety', 'plan', err);
  }
  if (held.length === 0) return undefined;
  const details = held.slice(0, 10).map((h) => `${h.userName}: ${h.entries.map((e) => `${e.entry}: ${e.reason}`).join('; ')}`);
  if (held.length > 10) details.push(`… and ${held.length - 10} more (see \`scimsync plan\`)`);
  return {
    name: 'safety',
    ok: false,
    text: `${plural(held.length, 'managed user')} held: the source entry cannot be read, so scimsync neither changes nor deletes ${held.length === 1 ? 'it' : 'them'}`,
    details,
    fix: [...new Set(held.map((h) => h.fix))].join('; '),
  };
}

async function checkSource(loaded: LoadedConfig, logger: Logger): Promise<{ step: CheckStep; snapshot?: DesiredSnapshot }> {
  let source;
  try {
    source = createSource(loaded, logger);
    const snap = await source.read();
    const active = snap.users.filter((u) => u.active).length;
    const inactive = snap.users.length - active;
    const extras = [inactive > 0 ? `${inactive} inactive` : '', snap.skipped.length > 0 ? `${snap.skipped.length} entries skipped` : '']
      .filter(Boolean)
      .join(', ');
    const details = snap.skipped.slice(0, 5).map((s) => `skipped ${s.entry}: ${s.reason}`);
    if (snap.skipped.length > 5) details.push(`… and ${snap.skipped.length - 5} more (see \`scimsync plan\`)`);
    return {
      step: {
        name: 'source',
        ok: true,
        text: `${source.description}: ${plural(active, 'user')} and ${plural(snap.groups.length, 'group')} in scope${extras ? ` (${extras})` : ''}`,
        details,
      },
      snapshot: snap,
    };
  } catch (err) {
    return { step: failure('source', source?.description ?? loaded.config.source.type, err) };
  } finally {
    await source?.close().catch(() => undefined);
  }
}

/**
 * The same client a run uses (see run/compose.ts), but a person is waiting for the answer: one retry with a
 * short backoff instead of five with up to a minute, so an unreachable target is reported in seconds.
 */
function targetForCheck(loaded: LoadedConfig, logger: Logger) {
  return createTarget(loaded, logger, { maxRetries: 1, backoff: { baseMs: 250, maxMs: 2_000 } });
}

interface TargetResult {
  readonly step: CheckStep;
  readonly baseUrl: string;
  readonly snapshot: TargetSnapshot | undefined;
}

async function checkTarget(loaded: LoadedConfig, logger: Logger): Promise<TargetResult> {
  const baseUrl = loaded.config.target.url;
  let target;
  try {
    target = targetForCheck(loaded, logger);
    // A full list is the only read every SCIM service allows with the same key the sync uses; it proves
    // the key can do what a run does first.
    const snapshot = await target.snapshot();
    const requests = Object.values(target.requestCounts()).reduce((a, b) => a + b, 0);
    return {
      step: {
        name: 'target',
        ok: true,
        text: `${target.baseUrl}: authenticated; it holds ${plural(snapshot.users.length, 'user')} and ${plural(snapshot.groups.length, 'group')} (${plural(requests, 'request')})`,
      },
      baseUrl: target.baseUrl,
      snapshot,
    };
  } catch (err) {
    return { step: failure('target', target?.baseUrl ?? baseUrl, err), baseUrl: target?.baseUrl ?? baseUrl, snapshot: undefined };
  } finally {
    await target?.close().catch(() => undefined);
  }
}

async function checkState(loaded: LoadedConfig, baseUrl: string, snapshot: TargetSnapshot | undefined): Promise<{ step: CheckStep; state?: SyncState }> {
  const path = loaded.config.state.path;
  let state;
  try {
    state = await readStateFile(path);
  } catch (err) {
    return { step: failure('state', path, err) };
  }
  if (!state) return { step: { name: 'state', ok: true, text: `${path}: no state file yet; scimsync manages nothing until the first apply creates it` } };
  if (!sameTarget(state.target, baseUrl)) {
    return {
      step: {
        name: 'state',
        ok: false,
        text: `${path} belongs to target ${state.target}, not ${baseUrl}`,
        fix: "point state.path at this target's state file, or run `scimsync state rebuild` for the new target",
      },
    };
  }
  const users = Object.values(state.users);
  const groups = Object.values(state.groups);
  if (!snapshot)
    return {
      state,
      step: {
        name: 'state',
        ok: true,
        text: `${path}: ${plural(users.length, 'user')} and ${plural(groups.length, 'group')} recorded as managed (target not read)`,
      },
    };
  const userIds = new Set(snapshot.users.map((u) => u.id));
  const groupIds = new Set(snapshot.groups.map((g) => g.id));
  const presentUsers = users.filter((u) => userIds.has(u.targetId)).length;
  const presentGroups = groups.filter((g) => groupIds.has(g.targetId)).length;
  const gone = users.length - presentUsers + (groups.length - presentGroups);
  return {
    state,
    step: {
      name: 'state',
      ok: true,
      text: `${path}: scimsync manages ${presentUsers} of the target's users and ${presentGroups} of its groups${gone > 0 ? ` (${goneNote(gone)})` : ''}`,
    },
  };
}

/**
 * What happens to records whose target object was removed outside scimsync: a user or group still in the
 * source is created again and its record replaced; `state rebuild` drops the others. Nothing else can be
 * promised: a run keeps the record of a managed group it cannot see (plan/groups.ts).
 */
function goneNote(gone: number): string {
  const then =
    'the next apply that reads the target in full (`apply --refresh`, or once sync.fullReadEvery has passed) creates again those still in the source; `scimsync state rebuild` drops the records of the others';
  return `${gone} recorded but gone from the target, removed outside scimsync: ${then}`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function failure(name: CheckStep['name'], subject: string, err: unknown): CheckStep {
  if (err instanceof ConfigError && err.issues.length > 0) {
    // The issues are listed one per line below; the headline only counts them.
    const details = err.issues.map((i) => `${i.path}: ${i.message}`);
    return { name, ok: false, text: `${subject}: ${plural(details.length, 'problem')} [${err.code}]`, details, fix: err.fix };
  }
  if (isScimsyncError(err)) return { name, ok: false, text: `${subject}: ${err.message} [${err.code}]`, fix: err.fix };
  const message = err instanceof Error ? err.message : String(err);
  return { name, ok: false, text: `${subject}: ${message}`, fix: UNEXPECTED_FIX };
}

export function renderStep(step: CheckStep, secrets: readonly string[]): string {
  const lines = [`${step.ok ? '✔' : '✖'} ${step.name.padEnd(6)} ${step.text}`];
  for (const d of step.details ?? []) lines.push(`    - ${d}`);
  if (!step.ok && step.fix) lines.push(`    fix: ${step.fix}`);
  return scrub(lines.join('\n'), secrets) + '\n';
}
