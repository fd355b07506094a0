/**
 * Summarise a V8 .cpuprofile (from `node --cpu-prof` or bench/lib/profile.ts): self time per function and
 * per file/package, the top N of each. Run: npx tsx bench/lib/cpuprofile.ts FILE.cpuprofile [N]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { table } from './table.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
  /** Samples by source line (1-based), when the profiler recorded them. */
  positionTicks?: { line: number; ticks: number }[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  readonly name: string;
  readonly ms: number;
  readonly share: number;
}

/** `node_modules/ldapts/…` → `ldapts`; a project file → its path from the repo root; built-ins as named. */
function owner(url: string): string {
  if (!url) return '(native / V8)';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (path.startsWith('node:')) return path;
  const m = /\/(src|dist|bench|test)\/(.*)$/.exec(path);
  return m ? `${m[1]}/${m[2]}` : path;
}

/** Self time by function (name + file:line) and by owner (package or project file), largest first. */
export function summarise(p: CpuProfile): { total: number; byFunction: SelfTime[]; byOwner: SelfTime[]; hotLines: Map<string, string> } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  // timeDeltas[i] is the time since the previous sample: it belongs to sample i.
  for (let i = 0; i < p.samples.length; i++) selfUs.set(p.samples[i]!, (selfUs.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  const fn = new Map<string, number>();
  const own = new Map<string, number>();
  const lines = new Map<string, Map<number, number>>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const f = n.callFrame;
    total += us;
    const where = owner(f.url);
    const key = `${f.functionName || '(anonymous)'}  ${where}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    own.set(where, (own.get(where) ?? 0) + us);
    const l = lines.get(key) ?? new Map<number, number>();
    for (const t of n.positionTicks ?? []) l.set(t.line, (l.get(t.line) ?? 0) + t.ticks);
    lines.set(key, l);
  }
  // The lines of each function that hold most of its samples: where inside a hot function to look.
  const hotLines = new Map<string, string>();
  for (const [key, l] of lines) {
    const all = [...l.values()].reduce((a, b) => a + b, 0);
    const top = [...l].sort((a, b) => b[1] - a[1]).slice(0, 4);
    if (all) hotLines.set(key, top.map(([line, t]) => `${line} (${Math.round((t / all) * 100)}%)`).join(', '));
  }
  const rank = (m: Map<string, number>): SelfTime[] =>
    [...m].map(([name, us]) => ({ name, ms: us / 1000, share: total ? us / total : 0 })).sort((a, b) => b.ms - a.ms);
  return { total: total / 1000, byFunction: rank(fn), byOwner: rank(own), hotLines };
}

export function render(s: ReturnType<typeof summarise>, top = 25): string {
  const rows = (xs: SelfTime[]) => xs.slice(0, top).map((x) => ({ 'self ms': x.ms.toFixed(0), '%': (x.share * 100).toFixed(1), name: x.name }));
  const fns = s.byFunction.slice(0, top).map((x) => ({ ...rows([x])[0]!, 'hot lines': s.hotLines.get(x.name) ?? '' }));
  // (idle) is time waiting for I/O: shares of the busy time say more about where the CPU goes.
  const idle = s.byFunction.find((x) => x.name.startsWith('(idle)'))?.ms ?? 0;
  return (
    `sampled ${s.total.toFixed(0)} ms, of which idle ${idle.toFixed(0)} ms (busy ${(s.total - idle).toFixed(0)} ms)\n\n` +
    `self time by package / file\n${table(rows(s.byOwner))}\n\nself time by function\n${table(fns)}\n`
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: npx tsx bench/lib/cpuprofile.ts FILE.cpuprofile [N]\n');
    process.exit(1);
  }
  process.stdout.write(render(summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile), Number(process.argv[3] ?? 25)));
}
