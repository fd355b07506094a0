/**
 * The quirk matrix: the sync scenarios of scenarios.test.ts, each run against the emulator with one quirk of a real
 * SCIM server switched on (src/emulator/quirks.ts), with the outcome a correct client must reach. Shared by
 * quirk-matrix.test.ts (asserts every cell) and bench/quirk-matrix.ts (prints the table).
 *
 * Each cell: a fresh emulator and state; the setup (a first load, quirk off); then the quirk on and the step
 * (one apply of the changed source through runOnce, as `scimsync apply` runs it); then, if the step converged,
 * a plan that must find nothing to do (`scimsync plan` exit 0). Requests are counted by the emulator.
 */
import type { EmulatorGroup, EmulatorUser } from '../../../src/emulator/index.js';
import { isScimsyncError } from '../../../src/errors.js';
import { hasPendingChanges } from '../../../src/plan/index.js';
import type { RunResult } from '../../../src/run/run-once.js';
import { createSyncHarness, people, served, type Person, type Profile, type SyncHarness } from './harness.js';

/** More than one page of users (the client asks for 100), so paging quirks bite; not a multiple of a page. */
export const POPULATION = 105;
const GROUPS = ['Engineering', 'Sales', 'Support'];
/** Accounts already in the org before the first load, not in the source (never managed). */
const STAFF = Array.from({ length: 101 }, (_, i) => ({
  userName: `staff${String(i).padStart(3, '0')}@corp.example.com`,
  givenName: 'Staff',
  familyName: String(i),
}));
/** A step that has served this many GETs has not stopped by itself: it is aborted and marked so. */
export const RUNAWAY_GETS = 200;

export interface QuirkCase {
  /** Row label (the quirk as passed to --quirk, or `none`). */
  readonly name: string;
  readonly quirks: readonly string[];
  readonly profiles: readonly Profile[];
  /** The quirk makes a read of more than one page impossible to prove complete: every step must stop before writing. */
  readonly readIncomplete: boolean;
  /** Users per list page the server really returns. */
  readonly pageSize: number;
  /** DELETE /Users leaves the user's id in its groups. */
  readonly keepsDeletedMembers?: boolean;
}

const BOTH: readonly Profile[] = ['amplitude', 'rfc'];

export const QUIRK_CASES: readonly QuirkCase[] = [
  { name: 'none', quirks: [], profiles: BOTH, readIncomplete: false, pageSize: 100 },
  // The pages decide (a full page reads on, a short one ends the list): a total that is each page's count is
  // recognised on the second page and ignored, so the list is read completely with no extra request.
  { name: 'total-results-per-page', quirks: ['total-results-per-page'], profiles: BOTH, readIncomplete: false, pageSize: 100 },
  { name: 'ignores-start-index', quirks: ['ignores-start-index'], profiles: BOTH, readIncomplete: true, pageSize: 100 },
  { name: 'page-size-cap=50', quirks: ['page-size-cap=50'], profiles: BOTH, readIncomplete: false, pageSize: 50 },
  { name: 'empty-page-at=101', quirks: ['empty-page-at=101'], profiles: BOTH, readIncomplete: true, pageSize: 100 },
  { name: 'endless-pages', quirks: ['endless-pages'], profiles: BOTH, readIncomplete: true, pageSize: 100 },
  // A member id that is no longer a user is removed from managed groups. rfc: the run that deletes the user
  // finds it kept (one GET) and removes it (one PATCH). Amplitude documents that a delete drops memberships, so
  // the client trusts it: a server that keeps them is cleaned by the next run (the plan after the step has it).
  { name: 'keeps-deleted-members', quirks: ['keeps-deleted-members'], profiles: BOTH, readIncomplete: false, pageSize: 100, keepsDeletedMembers: true },
  // The rfc profile applies PATCH operations in order anyway: the quirk changes only the amplitude profile.
  { name: 'ops-in-order', quirks: ['ops-in-order'], profiles: ['amplitude'], readIncomplete: false, pageSize: 100 },
  { name: 'patch-204', quirks: ['patch-204'], profiles: BOTH, readIncomplete: false, pageSize: 100 },
  { name: 'no-filter', quirks: ['no-filter'], profiles: BOTH, readIncomplete: false, pageSize: 100 },
  { name: 'slow-list=20', quirks: ['slow-list=20'], profiles: BOTH, readIncomplete: false, pageSize: 100 },
];

interface Scenario {
  readonly name: string;
  readonly deprovision?: 'delete' | 'deactivate';
  /** Target users before the step's read (for its page count) and after the step (for the follow-up plan's). */
  readonly usersBefore: number;
  readonly usersAfter: (profile: Profile) => number;
  /** The step's writes, by method, in a converged run. */
  readonly writes: (profile: Profile) => Record<string, number>;
  /** The source after the change (from the source of the setup). */
  readonly change: (ps: Person[]) => Person[];
  /** The step deletes a user who is a member of a managed group. */
  readonly deletesMember?: boolean;
}

const same = (n: number) => () => n;

export const SCENARIOS: readonly Scenario[] = [
  // The org already has STAFF (more than a page) when scimsync first runs: no setup apply, only the seed.
  {
    name: 'first load',
    usersBefore: STAFF.length,
    usersAfter: same(STAFF.length + POPULATION),
    writes: () => ({ POST: POPULATION + GROUPS.length }),
    change: (ps) => ps,
  },
  { name: 'no-op rerun', usersBefore: POPULATION, usersAfter: same(POPULATION), writes: () => ({}), change: (ps) => ps },
  {
    name: 'name change',
    usersBefore: POPULATION,
    usersAfter: same(POPULATION),
    writes: () => ({ PUT: 1 }),
    change: (ps) => ps.map((p, i) => (i === 3 ? { ...p, familyName: 'Renamed' } : p)),
  },
  {
    name: 'leaver (delete)',
    usersBefore: POPULATION,
    usersAfter: same(POPULATION - 1),
    writes: () => ({ DELETE: 1 }),
    change: (ps) => ps.filter((_, i) => i !== 5),
    deletesMember: true,
  },
  {
    name: 'leaver (deactivate)',
    deprovision: 'deactivate',
    usersBefore: POPULATION,
    // Amplitude: active:false removes the user from the org; an RFC server keeps it, inactive.
    usersAfter: (profile) => (profile === 'amplitude' ? POPULATION - 1 : POPULATION),
    // On an RFC server the user stays, so its memberships go in the same run (a PATCH of its group), as on
    // Amplitude the removal takes them: either way the next plan has nothing left to do.
    writes: (profile): Record<string, number> => (profile === 'amplitude' ? { PUT: 1 } : { PATCH: 2 }),
    change: (ps) => ps.map((p, i) => (i === 7 ? { ...p, active: false } : p)),
  },
  {
    name: 'mover',
    usersBefore: POPULATION,
    usersAfter: same(POPULATION),
    writes: () => ({ PATCH: 2 }),
    change: (ps) => ps.map((p, i) => (i === 0 ? { ...p, groups: ['Sales'] } : p)),
  },
  {
    name: 'joiners',
    usersBefore: POPULATION,
    usersAfter: same(POPULATION + 3),
    writes: () => ({ POST: 3, PATCH: 1 }),
    change: (ps) => [...ps, ...people(3, ['Engineering'], 'joiners.example.com').map((p) => ({ ...p, id: `J${p.id}` }))],
  },
  {
    name: 'email change',
    usersBefore: POPULATION,
    usersAfter: same(POPULATION),
    writes: () => ({ DELETE: 1, POST: 1, PATCH: 1 }),
    change: (ps) => ps.map((p, i) => (i === 2 ? { ...p, email: 'new.address@example.com' } : p)),
    deletesMember: true,
  },
  {
    name: 'group deletion',
    usersBefore: POPULATION,
    usersAfter: same(POPULATION),
    writes: () => ({ DELETE: 1 }),
    change: (ps) => ps.map((p) => ({ ...p, groups: (p.groups ?? []).filter((g) => g !== 'Support') })),
  },
];

/** stopped: a typed scimsync error (one line and a fix for the user); crashed: any other exception. */
export type Outcome = 'converged' | 'stopped' | 'crashed' | 'refused' | 'partial' | 'aborted' | 'never stopped';

/** What one cell did. `requests` are those the emulator served during the step. */
export interface Observed {
  outcome: Outcome;
  /** The exit code `scimsync apply` gives this result (0 done, 1 error or failures, 3 refused). */
  exit: number;
  requests: Record<string, number>;
  writes: number;
  /** The plan after a converged step: its exit code (0 nothing to do, 2 changes, 1 error) and requests. */
  followUp?: { exit: number; requests: Record<string, number> };
  /** Differences between the target and what the step should have left there. */
  state: string[];
  /** The error a stopped step gave (one line), for the table and for failures. */
  error?: string;
}

export type Expected =
  Required<Pick<Observed, 'outcome' | 'exit' | 'requests' | 'followUp' | 'state'>> | Required<Pick<Observed, 'outcome' | 'exit' | 'writes' | 'state'>>;

function pages(users: number, pageSize: number): number {
  return Math.max(1, Math.ceil(users / pageSize));
}

/** The outcome a correct client reaches in this cell. */
export function expected(q: QuirkCase, s: Scenario, profile: Profile): Expected {
  if (q.readIncomplete) return { outcome: 'stopped', exit: 1, writes: 0, state: [] };
  // Users come in pages of the server's size; the 3 groups fit in one page.
  const gets = (users: number) => pages(users, q.pageSize) + 1;
  const deletes = s.deletesMember === true;
  // rfc: the RFC does not require a server to drop a deleted user from its groups: one GET of one checks, and
  // where the server kept it, one PATCH removes it in the same run.
  const check = profile === 'rfc' && deletes ? 1 : 0;
  const writes = { ...s.writes(profile) };
  if (profile === 'rfc' && deletes && q.keepsDeletedMembers) writes['PATCH'] = (writes['PATCH'] ?? 0) + 1;
  const leftForNextRun = profile === 'amplitude' && deletes && q.keepsDeletedMembers === true;
  return {
    outcome: 'converged',
    exit: 0,
    requests: { GET: gets(s.usersBefore) + check, ...writes },
    followUp: { exit: leftForNextRun ? 2 : 0, requests: { GET: gets(s.usersAfter(profile)) } },
    state: [],
  };
}

/** Only the fields `exp` names, for a like-for-like comparison. */
export function comparable(obs: Observed, exp: Expected): Partial<Observed> {
  return Object.fromEntries(Object.keys(exp).map((k) => [k, obs[k as keyof Observed]]));
}

function exitOfApply(r: RunResult): number {
  return r.outcome === 'refused' ? 3 : r.outcome === 'converged' ? 0 : 1;
}

/** Runs `fn` with a signal that is aborted once the step has served RUNAWAY_GETS GETs. */
async function guarded<T>(h: SyncHarness, fn: (signal: AbortSignal) => Promise<T>): Promise<{ value?: T; error?: unknown; runaway: boolean }> {
  const abort = new AbortController();
  let runaway = false;
  const watch = setInterval(() => {
    if ((h.emulator.stats().byMethod.GET ?? 0) > RUNAWAY_GETS) {
      runaway = true;
      abort.abort();
    }
  }, 5);
  try {
    return { value: await fn(abort.signal), runaway };
  } catch (error) {
    return { error, runaway };
  } finally {
    clearInterval(watch);
  }
}

/** Group name → sorted member userNames, counting only members that are users (a dangling id is not a member). */
function membership(users: readonly EmulatorUser[], groups: readonly EmulatorGroup[]): Record<string, string[]> {
  const byId = new Map(users.map((u) => [u.id, u.userName]));
  return Object.fromEntries(groups.map((g) => [g.displayName, g.members.flatMap((m) => byId.get(m) ?? []).sort()]));
}

function expectedMembership(ps: readonly Person[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of ps) if (p.active !== false) for (const g of p.groups ?? []) (out[g] ??= []).push(p.email);
  for (const g of Object.keys(out)) out[g]!.sort();
  return out;
}

/** What the target must hold after a converged step. */
function checkConverged(h: SyncHarness, s: Scenario, profile: Profile, ps: readonly Person[]): string[] {
  const problems: string[] = [];
  const users = h.emulator.users();
  const expectUsers = ps
    .filter((p) => p.active !== false || (s.deprovision === 'deactivate' && profile === 'rfc'))
    .map((p) => p.email)
    .concat(s.name === 'first load' ? STAFF.map((u) => u.userName) : [])
    .sort();
  const actualUsers = users.map((u) => u.userName).sort();
  if (JSON.stringify(actualUsers) !== JSON.stringify(expectUsers)) {
    const missing = expectUsers.filter((u) => !actualUsers.includes(u));
    const extra = actualUsers.filter((u) => !expectUsers.includes(u));
    problems.push(`users: missing [${missing.join(', ')}], extra [${extra.join(', ')}]`);
  }
  for (const p of ps) {
    const u = users.find((x) => x.userName === p.email);
    if (u && u.active !== (p.active !== false)) problems.push(`${p.email}: active ${String(u.active)}`);
    if (u && (u.givenName !== p.givenName || u.familyName !== p.familyName)) problems.push(`${p.email}: names ${u.givenName} ${u.familyName}`);
  }
  const got = sortKeys(membership(users, h.emulator.groups()));
  const want = sortKeys(expectedMembership(ps));
  if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`membership differs: ${JSON.stringify(diffMembership(got, want))}`);
  return problems;
}

function sortKeys(o: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]!]),
  );
}

function diffMembership(got: Record<string, string[]>, want: Record<string, string[]>): Record<string, { missing: string[]; extra: string[] }> {
  const out: Record<string, { missing: string[]; extra: string[] }> = {};
  for (const g of new Set([...Object.keys(got), ...Object.keys(want)])) {
    const a = got[g] ?? [];
    const b = want[g] ?? [];
    const missing = b.filter((x) => !a.includes(x));
    const extra = a.filter((x) => !b.includes(x));
    if (missing.length || extra.length || !(g in got) || !(g in want)) out[g] = { missing, extra };
  }
  return out;
}

function oneLine(err: unknown): string {
  const text = isScimsyncError(err) ? `${err.code}: ${err.message}` : err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.split('\n')[0]!.slice(0, 160);
}

/** Runs one cell of the matrix and reports what happened. */
export async function runCell(q: QuirkCase, s: Scenario, profile: Profile): Promise<Observed> {
  const firstLoad = s.name === 'first load';
  const h = await createSyncHarness({
    profile,
    emulator: firstLoad ? { seed: { users: STAFF, groups: [] } } : {},
    // Every run reads the target in full and creates users one by one: the matrix is about how a server
    // pages and patches, so no run may plan against the kept snapshot or invite through groups (those have
    // their own tests: snapshot.test.ts, invites.test.ts).
    sync: { fullReadEvery: '0', ...(s.deprovision ? { deprovision: s.deprovision } : {}) },
    target: { inviteThroughGroups: false },
  });
  try {
    const before = people(POPULATION, GROUPS);
    await h.setPeople(before);
    if (!firstLoad) {
      const setup = await h.apply();
      if (setup.outcome !== 'converged') throw new Error(`setup did not converge: ${setup.outcome}`);
    }
    const after = s.change(before);
    await h.setPeople(after);
    const targetBefore = JSON.stringify({ users: h.emulator.users(), groups: h.emulator.groups() });
    h.emulator.setQuirks(q.quirks);
    h.emulator.resetStats();

    const step = await guarded(h, (signal) => h.apply({ signal }));
    const requests = served(h.emulator);
    const writes = h.emulator.stats().writes;
    if (step.value === undefined) {
      const unchanged = JSON.stringify({ users: h.emulator.users(), groups: h.emulator.groups() }) === targetBefore;
      return {
        outcome: step.runaway ? 'never stopped' : isScimsyncError(step.error) ? 'stopped' : 'crashed',
        exit: 1,
        requests,
        writes,
        state: unchanged ? [] : ['the target changed although the step stopped'],
        error: step.runaway ? `still reading after ${RUNAWAY_GETS} GETs (aborted by the matrix)` : oneLine(step.error),
      };
    }
    const r = step.value;
    const obs: Observed = {
      outcome: r.outcome === 'planned' ? 'converged' : r.outcome,
      exit: exitOfApply(r),
      requests,
      writes,
      state: checkConverged(h, s, profile, after),
    };
    if (r.outcome === 'converged') {
      h.emulator.resetStats();
      const plan = await guarded(h, (signal) => h.run({ mode: 'plan', signal }));
      obs.followUp = { exit: plan.value ? (hasPendingChanges(plan.value.plan) ? 2 : 0) : 1, requests: served(h.emulator) };
    }
    return obs;
  } finally {
    await h.close();
  }
}
