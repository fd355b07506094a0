import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createCsvSource } from '../../../src/sources/csv/index.js';

/** What the README says about the demo is what the demo does. */
const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));

describe('README: the demo paragraph', () => {
  it('counts the export and the plan exactly as `scimsync demo` reads and plans them', async () => {
    const readme = await readFile(new URL('README.md', `file://${ROOT}/`), 'utf8');
    const para = /The export has (\d+) rows: (\d+) active people in (\d+) groups, (\d+) people marked inactive and (\d+) bad\s+row/.exec(readme);
    const plan = /the plan creates (\d+) users and (\d+) groups, adopts (\d+) and deletes nothing/.exec(readme.replace(/\s+/g, ' '));
    expect(para, 'README states the export counts').not.toBeNull();
    expect(plan, 'README states the plan counts').not.toBeNull();
    const [rows, active, groups, inactive, bad] = para!.slice(1).map(Number);

    // The export, read by the CSV source the demo uses.
    const snap = await createCsvSource({
      type: 'csv',
      users: fileURLToPath(new URL('config/demo/users.csv', `file://${ROOT}/`)),
      columns: { id: 'id', email: 'email', givenName: 'givenName', familyName: 'familyName', active: 'active', groups: 'groups' },
      encoding: 'utf-8',
    }).read();
    expect(snap.users.filter((u) => u.active)).toHaveLength(active!);
    expect(snap.users.filter((u) => !u.active)).toHaveLength(inactive!);
    expect(snap.skipped).toHaveLength(bad!);
    expect(snap.groups).toHaveLength(groups!);
    expect(snap.users.length + snap.skipped.length).toBe(rows);

    // The demo itself: the first plan's summary line, and no warning about its settings.
    const { stdout, stderr } = await run(process.execPath, [CLI, 'demo'], { cwd: ROOT, maxBuffer: 16 << 20 });
    const [creates, groupCreates, adopts] = plan!.slice(1).map(Number);
    expect(stdout).toContain(
      `users: ${creates} to create, 0 to update, 0 to delete, ${adopts} to adopt; groups: ${groupCreates} to create, 0 to update, 0 to delete`,
    );
    expect(stdout).toContain('Demo complete: the target matches the source.');
    expect(stderr).not.toMatch(/rateLimit|"level":40/);
  });
});
