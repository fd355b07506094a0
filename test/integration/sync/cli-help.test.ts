import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './harness.js';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));

/** The README's command table: each row's command name and the flags (`--out`, `-c`) its usage names. */
async function readmeCommands(): Promise<Map<string, Set<string>>> {
  const text = await readFile(README, 'utf8');
  const section = text.slice(text.indexOf('## Commands'), text.indexOf('### `--json` output'));
  const commands = new Map<string, Set<string>>();
  for (const line of section.split('\n')) {
    const usage = /^\| `scimsync ((?:[^`\\]|\\.)+)`/.exec(line)?.[1]?.replace(/\\\|/g, '|');
    if (!usage) continue;
    const name = usage.split(' ')[0]!;
    commands.set(name, new Set(usage.match(/(?<=^|[\s[])--?[a-z][a-z-]*/g) ?? []));
  }
  return commands;
}

/** The options listed under `options:` in a command's help, each as its spellings (`-c`, `--config`). */
function helpOptions(help: string): string[][] {
  const options = help.slice(help.indexOf('\noptions:\n'), help.indexOf('\nexit codes:'));
  return [...options.matchAll(/^ {2}(?:(-\w), | {4})(--[a-z][a-z-]*)/gm)].map((m) => [m[2]!, ...(m[1] ? [m[1]] : [])]).filter(([long]) => long !== '--help');
}

describe('scimsync <command> --help', () => {
  it("every command in the README answers --help with its usage, the README's flags and an example, exit 0", { timeout: 180_000 }, async () => {
    const commands = await readmeCommands();
    expect([...commands.keys()].sort()).toEqual(['apply', 'check', 'daemon', 'demo', 'emulator', 'plan', 'schema', 'show', 'state']);
    for (const [name, readmeFlags] of commands) {
      const r = await runCli([name, '--help']);
      expect(r.code, `${name} --help: ${r.stderr}`).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout.startsWith(`usage: scimsync ${name}`)).toBe(true);
      expect(r.stdout).toMatch(/\nexample:\n {2}scimsync \S+/);
      // Both ways: a flag the README names that the command does not take, or one it takes that the README omits.
      const options = helpOptions(r.stdout);
      const spelled = new Set(options.flat());
      expect(
        [...readmeFlags].filter((f) => !spelled.has(f)),
        `${name}: in the README, not in --help`,
      ).toEqual([]);
      expect(
        options.filter((o) => !o.some((f) => readmeFlags.has(f))).map((o) => o[0]),
        `${name}: in --help, not in the README`,
      ).toEqual([]);
    }
  });

  it('-h is --help', async () => {
    const [long, short] = await Promise.all([runCli(['state', '--help']), runCli(['state', '-h'])]);
    expect(short.code).toBe(0);
    expect(short.stdout).toBe(long.stdout);
  });

  it('demo --help prints help instead of running the demo', async () => {
    const r = await runCli(['demo', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('emulator listening');
    expect(r.stdout).toContain('usage: scimsync demo');
  });

  it("an unknown flag names the flag and points at that command's help", async () => {
    const r = await runCli(['state', 'show', '--bogus']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Unknown option '--bogus'");
    expect(r.stderr).toContain('scimsync state --help');
  });
});
