import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createSyncHarness, people, runCli, type Person, type SyncHarness } from './harness.js';

/**
 * design.md "Safety", end to end through the real CLI against the in-process emulator: held users (a status
 * value nobody mapped), the group-deletion guard, and a source whose groups vanished.
 */
let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

interface HeldJson {
  userName: string;
  sourceId: string | null;
  entries: { entry: string; reason: string }[];
  fix: string;
}

describe('held users: a managed user whose status nobody mapped', () => {
  it('is neither changed nor deleted, named first by plan (text and --json), at WARN by apply, and makes check exit 1', async () => {
    // Users created one by one: their names are then real (an invite through a group reads back as pending).
    h = await createSyncHarness({ target: { inviteThroughGroups: false } });
    const team = people(4, ['Engineering']);
    await h.setPeople(team);
    expect((await runCli(['apply', '-c', h.configPath])).code).toBe(0);

    // HR marks one person with a word scimsync does not know, and renames them in the same export.
    const onLeave: Person[] = team.map((p, i) => (i === 1 ? { ...p, givenName: 'Renamed', status: 'On Leave' } : p));
    await h.setPeople(onLeave);
    h.emulator.resetStats();

    const json = await runCli(['plan', '-c', h.configPath, '--json']);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as { held: HeldJson[]; skipped: { entry: string; reason: string }[]; operations: unknown[] };
    expect(doc.operations).toEqual([]);
    expect(doc.held).toEqual([
      {
        userName: team[1]!.email,
        sourceId: team[1]!.id,
        entries: [{ entry: 'users.csv:3', reason: 'unknown status "On Leave" in column active' }],
        fix: 'map it in source.statusValues: add "on leave" under active or inactive',
      },
    ]);
    expect(doc.skipped.map((s) => s.entry)).toEqual(['users.csv:3']);

    const text = await runCli(['plan', '-c', h.configPath]);
    const lines = text.stdout.split('\n');
    const heldAt = lines.findIndex((l) => l.startsWith('Held (1)'));
    expect(heldAt).toBeGreaterThan(0);
    expect(heldAt).toBeLessThan(lines.findIndex((l) => l.startsWith('users: ')));
    expect(lines.slice(heldAt + 1, heldAt + 4).map((l) => l.trim())).toEqual([
      `! ${team[1]!.email}`,
      'users.csv:3: unknown status "On Leave" in column active',
      'fix: map it in source.statusValues: add "on leave" under active or inactive',
    ]);

    const apply = await runCli(['apply', '-c', h.configPath], { SCIMSYNC_LOG_LEVEL: 'warn' });
    expect(apply.code).toBe(0);
    const warn = apply.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .find((l) => l.msg.includes('held'));
    expect(warn?.level).toBe(40);
    expect(warn?.msg).toContain(
      `1 managed user is held, neither changed nor deleted, because the source entry cannot be read: ${team[1]!.email} (users.csv:3:`,
    );
    expect(warn?.msg).toContain('fix: map it in source.statusValues');
    // Still there, with its old name: nothing was written.
    expect(h.emulator.stats().writes).toBe(0);
    expect(h.emulator.users().find((u) => u.userName === team[1]!.email)).toMatchObject({ givenName: team[1]!.givenName });

    const check = await runCli(['check', '-c', h.configPath]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`✖ safety 1 managed user held: the source entry cannot be read, so scimsync neither changes nor deletes it`);
    expect(check.stdout).toContain(`    - ${team[1]!.email}: users.csv:3: unknown status "On Leave" in column active`);
    expect(check.stdout).toContain('    fix: map it in source.statusValues: add "on leave" under active or inactive');

    // Mapping the value in the config ends the hold: the person is now a leaver, and check passes.
    const config = JSON.parse(await readFile(h.configPath, 'utf8')) as { source: Record<string, unknown> };
    config.source.statusValues = { inactive: ['on leave'] };
    await writeFile(h.configPath, JSON.stringify(config));
    expect((await runCli(['check', '-c', h.configPath])).code).toBe(0);
    const mapped = JSON.parse((await runCli(['plan', '-c', h.configPath, '--json'])).stdout) as { held: unknown[]; summary: { deleteUsers: number } };
    expect(mapped.held).toEqual([]);
    expect(mapped.summary.deleteUsers).toBe(1);
  });

  it('Terminated and the like are understood by default: a leaver, not a skipped row', async () => {
    // Users created one by one: their names are then real (an invite through a group reads back as pending).
    h = await createSyncHarness({ target: { inviteThroughGroups: false } });
    const team = people(3, []);
    await h.setPeople(team);
    expect((await runCli(['apply', '-c', h.configPath])).code).toBe(0);
    await h.setPeople(team.map((p, i) => (i === 0 ? { ...p, status: 'Terminated' } : p)));
    expect((await runCli(['apply', '-c', h.configPath])).code).toBe(0);
    // Creates run two at a time: the target's order is not the source's.
    expect(
      h.emulator
        .users()
        .map((u) => u.userName)
        .sort(),
    ).toEqual([team[1]!.email, team[2]!.email].sort());
  });
});

describe('the guard covers groups', () => {
  const groups = ['A', 'B', 'C', 'D'];

  it('group deletions over sync.safety.maxGroupDeletes: exit 3 naming the rule, nothing written; --allow-deletes N lifts it', async () => {
    h = await createSyncHarness({ sync: { safety: { maxDeletes: 0, maxDeletePercent: 0, maxGroupDeletes: 2 } } });
    const team = people(8, groups);
    await h.setPeople(team);
    expect((await runCli(['apply', '-c', h.configPath])).code).toBe(0);
    expect(h.emulator.groups()).toHaveLength(4);

    // The export lost three of the four groups (everyone now in A).
    await h.setPeople(team.map((p) => ({ ...p, groups: ['A'] })));
    h.emulator.resetStats();
    const refused = await runCli(['apply', '-c', h.configPath]);
    expect(refused.code).toBe(3);
    expect(refused.stdout).toContain('Refused: The plan deletes 3 groups, more than safety.maxGroupDeletes (2)');
    expect(refused.stdout).toContain('--allow-deletes 3');
    expect(h.emulator.stats().writes).toBe(0);

    expect((await runCli(['apply', '-c', h.configPath, '--allow-deletes', '2'])).code).toBe(3);
    expect(h.emulator.stats().writes).toBe(0);
    expect((await runCli(['apply', '-c', h.configPath, '--allow-deletes', '3'])).code).toBe(0);
    expect(h.emulator.groups().map((g) => g.displayName)).toEqual(['A']);
  });

  it('a source that suddenly has no groups while scimsync manages groups is an error, never deletions', async () => {
    h = await createSyncHarness({ sync: { safety: { maxDeletes: 0, maxDeletePercent: 0, maxGroupDeletes: 100 } } });
    const team = people(4, groups);
    await h.setPeople(team);
    expect((await runCli(['apply', '-c', h.configPath])).code).toBe(0);

    await h.setPeople(team.map((p) => ({ ...p, groups: [] })));
    h.emulator.resetStats();
    const apply = await runCli(['apply', '-c', h.configPath]);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain("the source has no groups while scimsync manages 4 groups in the target: refusing to treat that as 'every group left'");
    expect(apply.stderr).toContain('SCIMSYNC_SOURCE_INVALID');
    expect(h.emulator.stats().writes).toBe(0);
    expect(h.emulator.groups()).toHaveLength(4);

    const check = await runCli(['check', '-c', h.configPath]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/✖ safety plan: the source has no groups while scimsync manages 4 groups/);
  });
});
