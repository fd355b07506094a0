import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSyncHarness, people, runCli, type SyncHarness } from './harness.js';

let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const SUMMARY_KEYS = [
  'addMembers',
  'adoptGroups',
  'adoptUsers',
  'createGroups',
  'createUsers',
  'deleteGroups',
  'deleteUsers',
  'removeMembers',
  'updateGroups',
  'updateUsers',
];

describe('the scimsync CLI contract', () => {
  it('plan exits 2 with changes pending, apply exits 0, plan then exits 0; --json has the contract keys', async () => {
    h = await createSyncHarness();
    await h.setPeople(people(12, ['Engineering']));
    const plan = await runCli(['plan', '-c', h.configPath, '--json']);
    expect(plan.code).toBe(2);
    const doc = JSON.parse(plan.stdout) as { summary: Record<string, number>; operations: unknown[]; skipped: unknown[] };
    expect(Object.keys(doc.summary).sort()).toEqual(SUMMARY_KEYS);
    expect(doc.summary.createUsers).toBe(12);
    expect(doc.operations).toHaveLength(13);
    expect(h.emulator.stats().writes).toBe(0);

    const apply = await runCli(['apply', '-c', h.configPath, '--json']);
    expect(apply.code).toBe(0);
    const applied = JSON.parse(apply.stdout) as { failed: number; requests: Record<string, number>; summary: Record<string, number> };
    expect(applied.failed).toBe(0);
    // One POST /Groups with the 12 people inline, which invites them (Amplitude).
    expect(applied.requests).toEqual({ GET: 2, POST: 1 });

    const again = await runCli(['plan', '-c', h.configPath]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes');
  });

  it('apply --plan applies a saved plan, and refuses it once the target has changed', async () => {
    h = await createSyncHarness();
    await h.setPeople(people(3, []));
    const planFile = join(h.dir, 'plan.json');
    expect((await runCli(['plan', '-c', h.configPath, '--out', planFile])).code).toBe(2);
    expect((await runCli(['apply', '-c', h.configPath, '--plan', planFile])).code).toBe(0);
    expect(h.emulator.users()).toHaveLength(3);

    await h.setPeople(people(4, []));
    expect((await runCli(['plan', '-c', h.configPath, '--out', planFile])).code).toBe(2);
    // Someone changes the target after the review:
    await fetch(new URL('Users', h.emulator.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${h.emulator.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'someone@else.com',
        name: { givenName: 'A', familyName: 'B' },
        emails: [{ value: 'someone@else.com', primary: true }],
      }),
    });
    h.emulator.resetStats();
    const stale = await runCli(['apply', '-c', h.configPath, '--plan', planFile]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('SCIMSYNC_PLAN_STALE');
    expect(h.emulator.stats().writes).toBe(0);
  });

  it('plan and apply read the whole target only when due or asked (--refresh); the plan says which', async () => {
    h = await createSyncHarness();
    await h.setPeople(people(3, ['Engineering']));
    expect((await runCli(['apply', '-c', h.configPath])).code).toBe(0);
    h.emulator.resetStats();
    const kept = await runCli(['plan', '-c', h.configPath, '--json']);
    const keptDoc = JSON.parse(kept.stdout) as { requests: Record<string, number>; basis: { targetRead: { source: string; writesSince: number } } };
    expect(keptDoc.requests).toEqual({});
    expect(keptDoc.basis.targetRead).toMatchObject({ source: 'snapshot', writesSince: 1 });
    const text = await runCli(['plan', '-c', h.configPath]);
    expect(text.stdout).toMatch(/target as read \d+ s ago \(.*\), 1 write since; no request/);
    expect(h.emulator.stats().total).toBe(0);

    const fresh = await runCli(['plan', '-c', h.configPath, '--refresh', '--json']);
    expect(JSON.parse(fresh.stdout).basis.targetRead).toMatchObject({ source: 'read', requests: 2, reason: '--refresh' });
    const applied = await runCli(['apply', '-c', h.configPath, '--refresh', '--json']);
    expect(JSON.parse(applied.stdout).requests).toEqual({ GET: 2 });
    expect(h.emulator.stats().byMethod).toMatchObject({ GET: 4 });
  });

  it('the deletion guard exits 3 and names --allow-deletes', async () => {
    h = await createSyncHarness({ sync: { safety: { maxDeletes: 2, maxDeletePercent: 100 } } });
    await h.setPeople(people(10, []));
    expect((await runCli(['apply', '-c', h.configPath])).code).toBe(0);
    await h.setPeople(people(5, []));
    const refused = await runCli(['apply', '-c', h.configPath]);
    expect(refused.code).toBe(3);
    expect(refused.stdout).toContain('--allow-deletes 5');
    expect(h.emulator.users()).toHaveLength(10);
    expect((await runCli(['apply', '-c', h.configPath, '--allow-deletes', '5'])).code).toBe(0);
    expect(h.emulator.users()).toHaveLength(5);
  });

  it('apply --plan FILE --allow-deletes N applies a saved plan the guard blocked, exactly as reviewed', async () => {
    h = await createSyncHarness({ sync: { safety: { maxDeletes: 2, maxDeletePercent: 100 } } });
    await h.setPeople(people(10, []));
    expect((await runCli(['apply', '-c', h.configPath])).code).toBe(0);
    await h.setPeople(people(5, []));
    const planFile = join(h.dir, 'blocked-plan.json');
    expect((await runCli(['plan', '-c', h.configPath, '--out', planFile])).code).toBe(2);
    const saved = JSON.parse(await readFile(planFile, 'utf8')) as { blocked: { rule: string; count: number }[] };
    expect(saved.blocked).toMatchObject([{ rule: 'maxDeletes', count: 5 }]);

    h.emulator.resetStats();
    const short = await runCli(['apply', '-c', h.configPath, '--plan', planFile, '--allow-deletes', '4']);
    expect(short.code).toBe(3);
    expect(short.stdout).toContain('--allow-deletes 5');
    expect(h.emulator.stats().writes).toBe(0);

    const lifted = await runCli(['apply', '-c', h.configPath, '--plan', planFile, '--allow-deletes', '5', '--json']);
    expect(lifted.stderr).toBe('');
    expect(lifted.code).toBe(0);
    const doc = JSON.parse(lifted.stdout) as { outcome: string; blocked: unknown[]; summary: { deleteUsers: number } };
    expect(doc).toMatchObject({ outcome: 'converged', blocked: [], summary: { deleteUsers: 5 } });
    expect(h.emulator.users()).toHaveLength(5);
  });

  it('a rejected key at debug level: exit 1 after at most 3 requests, and the key appears nowhere', async () => {
    h = await createSyncHarness();
    await h.setPeople(people(3, []));
    const badKey = 'sk-REJECTED-key-0123456789abcdef';
    const config = JSON.parse(await readFile(h.configPath, 'utf8')) as { target: { token: string }; log: { level: string } };
    config.target.token = badKey;
    config.log.level = 'debug';
    await writeFile(h.configPath, JSON.stringify(config));
    const r = await runCli(['apply', '-c', h.configPath], { SCIMSYNC_LOG_LEVEL: 'debug' });
    expect(r.code).toBe(1);
    expect(h.emulator.stats().total).toBeLessThanOrEqual(3);
    expect(h.emulator.stats().byStatus['401']).toBeGreaterThanOrEqual(1);
    expect(r.stderr).toMatch(/regenerate/i);
    expect(r.stdout + r.stderr).not.toContain(badKey);
    expect(r.stdout + r.stderr).not.toContain('0123456789abcdef');
  });
});
