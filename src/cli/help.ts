import type { CommandSpec } from './args.js';

const FLAG_COLUMN = 30;
const WIDTH = 100;

/** Breaks a paragraph into lines of at most WIDTH characters, at spaces. */
function wrap(text: string): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/)) {
    if (current && current.length + 1 + word.length > WIDTH) {
      lines.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  if (current) lines.push(current);
  return lines;
}

/** `-c, --config FILE` / `    --json`: short flags line up with long ones, as git and kubectl do. */
function flagLabel(name: string, f: CommandSpec['options'][string]): string {
  const short = f.short ? `-${f.short}, ` : '    ';
  return `${short}--${name}${f.type === 'string' ? ` ${f.value ?? 'VALUE'}` : ''}`;
}

function row(label: string, text: string): string {
  const left = `  ${label}`;
  return left.length >= FLAG_COLUMN ? `${left}\n${' '.repeat(FLAG_COLUMN)}${text}` : `${left.padEnd(FLAG_COLUMN)}${text}`;
}

/** What `scimsync <command> --help` prints: usage, what it does, every flag, exit codes, one example. */
export function renderCommandHelp(spec: CommandSpec): string {
  const lines = [`usage: scimsync ${spec.usage}`, '', ...wrap(spec.description), '', 'options:'];
  for (const [name, f] of Object.entries(spec.options)) lines.push(row(flagLabel(name, f), f.help));
  lines.push(row('-h, --help', 'show this help'));
  lines.push('', `exit codes: ${spec.exitCodes}`, '', 'example:', `  ${spec.example}`);
  return lines.join('\n') + '\n';
}

/** What `scimsync --help` prints: one line per command. */
export function renderUsage(specs: readonly CommandSpec[]): string {
  const width = Math.max(...specs.map((s) => s.name.length)) + 2;
  const lines = ['usage: scimsync <command> [options]', '', 'commands:'];
  for (const s of specs) lines.push(`  ${s.name.padEnd(width)}${s.summary}`);
  lines.push('', 'Run `scimsync <command> --help` for its flags and an example; `scimsync --version` prints the version.');
  return lines.join('\n') + '\n';
}
