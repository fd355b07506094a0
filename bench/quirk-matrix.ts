/**
 * The quirk matrix as a table: `npx tsx bench/quirk-matrix.ts [quirk …]`. Runs the cells of
 * test/integration/sync/quirk-matrix.test.ts (same scenarios, same expectations) and prints, per quirk and
 * profile, each scenario's outcome with the requests it made, ✓ where it is what a correct client does.
 * Exit code 1 if any cell differs from its expectation.
 */
import { isDeepStrictEqual } from 'node:util';
import { comparable, expected, QUIRK_CASES, runCell, RUNAWAY_GETS, SCENARIOS, type Observed } from '../test/integration/sync/quirk-scenarios.js';

function requests(r: Record<string, number>): string {
  const parts = Object.entries(r).map(([m, n]) => `${m} ${n}`);
  return parts.length ? parts.join(', ') : 'none';
}

function cell(o: Observed): string {
  if (o.outcome === 'converged')
    return `converged (${requests(o.requests)}; then plan exit ${o.followUp?.exit ?? '?'})${o.state.length ? ' target wrong' : ''}`;
  if (o.outcome === 'stopped') return `stopped (${requests(o.requests)})${o.state.length ? ' target changed' : ''}`;
  return `${o.outcome} (${requests(o.requests)})`;
}

/** A grid cell: ✓/✗, what happened, and the writes when a cell that should have stopped wrote anyway. */
function short(o: Observed, ok: boolean): string {
  const what = { converged: 'conv', stopped: 'stop', crashed: 'crash', refused: 'refused', partial: 'partial', aborted: 'aborted', 'never stopped': 'endless' }[
    o.outcome
  ];
  const extra = o.outcome === 'converged' && o.followUp?.exit !== 0 ? `, plan ${o.followUp?.exit}` : '';
  return `${ok ? '✓' : '✗'} ${what}${!ok && o.writes > 0 ? ` ${o.writes}w` : ''}${extra}`;
}

function table(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows)
    process.stdout.write(
      `${r
        .map((c, i) => c.padEnd(widths[i]!))
        .join(' | ')
        .trimEnd()}\n`,
    );
}

const only = process.argv.slice(2);
const cases = QUIRK_CASES.filter((q) => only.length === 0 || only.includes(q.name));
let failed = 0;
let total = 0;
const rows: string[][] = [['quirk', 'profile', 'scenario', 'expected', 'observed', '']];
const grid: string[][] = [['quirk', 'profile', ...SCENARIOS.map((s) => s.name)]];
for (const q of cases) {
  for (const profile of q.profiles) {
    const line = [q.name, profile];
    for (const s of SCENARIOS) {
      const want = expected(q, s, profile);
      const got = await runCell(q, s, profile);
      const ok = isDeepStrictEqual(comparable(got, want), want);
      total++;
      if (!ok) failed++;
      const why = ok ? '✓' : `✗${got.error ? ` ${got.error}` : ''}${got.state.length ? ` ${got.state.join('; ')}` : ''}`;
      rows.push([q.name, profile, s.name, want.outcome, cell(got), why]);
      line.push(short(got, ok));
    }
    grid.push(line);
  }
}
table(rows);
process.stdout.write('\n');
table(grid);
process.stdout.write(
  `\n${total - failed} of ${total} cells as expected, ${failed} not (conv: converged, stop: stopped before writing, endless: still reading after ${RUNAWAY_GETS} GETs, Nw: N writes, plan N: exit of the plan after it)\n`,
);
process.exit(failed ? 1 : 0);
