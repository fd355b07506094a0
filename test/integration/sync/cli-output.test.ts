import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { marked, type Tokens } from 'marked';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI } from '../daemon/process.js';
import { createSyncHarness, people, runCli, type SyncHarness } from './harness.js';

let h: SyncHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Runs the CLI, reads its stdout up to the first line, then closes the pipe, as `| head -1` does. */
function runClosingStdoutEarly(args: string[]): Promise<{ code: number | null; firstLine: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) child.stdout.destroy();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, firstLine: out.split('\n')[0] ?? '', stderr }));
  });
}

describe('CLI output', () => {
  it('`plan | head -1`: a closed stdout ends quietly and exit 2 still means changes pending', async () => {
    h = await createSyncHarness();
    // Far more plan text than a pipe buffers, so the plan is still being written when the reader leaves.
    await h.setPeople(people(5000, []));
    const r = await runClosingStdoutEarly(['plan', '-c', h.configPath]);
    expect(r.firstLine).toBe(`scimsync plan for ${h.emulator.url}`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(2);
  });

  it('plan --format markdown and `show PLAN.json` render the same plan; show --format json keeps the contract', async () => {
    h = await createSyncHarness();
    await h.setPeople(people(3, ['Engineering']));
    const planFile = join(h.dir, 'plan.json');
    const md = await runCli(['plan', '-c', h.configPath, '--format', 'markdown', '--out', planFile]);
    expect(md.code).toBe(2);
    const headings = marked
      .lexer(md.stdout)
      .filter((t): t is Tokens.Heading => t.type === 'heading')
      .map((t) => t.text);
    expect(headings).toEqual([`scimsync plan for ${h.emulator.url}`, 'Creates (4)', 'Basis']);

    const [shownMd, shownText, shownJson] = await Promise.all([
      runCli(['show', planFile, '--format', 'markdown']),
      runCli(['show', planFile]),
      runCli(['show', planFile, '--format', 'json']),
    ]);
    expect(shownMd).toMatchObject({ code: 0, stdout: md.stdout });
    expect(shownText.code).toBe(0);
    expect(shownText.stdout).toContain('Plan: 4 to create, 0 to update, 0 to delete, 0 to adopt.');
    const doc = JSON.parse(shownJson.stdout) as { summary: Record<string, number>; operations: unknown[] };
    expect(doc.summary).toMatchObject({ createUsers: 3, createGroups: 1, addMembers: 3 });
    expect(doc.operations).toHaveLength(4);
    // Rendering a saved plan reads nothing: the target saw only the plan's own two list requests.
    expect(h.emulator.stats().total).toBe(2);
    expect(md.stdout + shownText.stdout + shownJson.stdout).not.toContain(h.emulator.token);
  });

  it('show names a missing plan file and a contradictory format; plan refuses --json with --format markdown', async () => {
    const missing = await runCli(['show', '/nonexistent/plan.json']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read saved plan /nonexistent/plan.json');
    const badFormat = await runCli(['show', '/nonexistent/plan.json', '--format', 'html']);
    expect(badFormat.code).toBe(1);
    expect(badFormat.stderr).toContain('--format must be one of text, markdown, json, got "html"');
    const both = await runCli(['plan', '-c', 'x.yaml', '--json', '--format', 'markdown']);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('--json and --format markdown ask for different outputs');
  });

  it('apply without a terminal never asks (stdin left open): it applies and exits 0', async () => {
    h = await createSyncHarness();
    await h.setPeople(people(3, []));
    const child = spawn(process.execPath, [CLI, 'apply', '-c', h.configPath], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stdin.end();
    expect(code).toBe(0);
    expect(out).not.toContain('[y/N]');
    expect(out).toContain('Apply complete: 3 of 3 operations applied');
    expect(h.emulator.users()).toHaveLength(3);
  });
});
