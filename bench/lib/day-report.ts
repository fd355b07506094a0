/** The tables bench/daemon-day.ts prints: what was measured in the window, and the day projected from it. */
import { describeRequests, spread } from './cli.js';
import type { Shape } from './dataset.js';
import type { ChangeResult, Cycle } from './day-watch.js';
import { table } from './emulator-process.js';

export interface DayInputs {
  readonly shape: Shape;
  /** Seconds between ticks. */
  readonly interval: number;
  /** How much the day is compressed (60 / interval). */
  readonly factor: number;
  readonly cyclesWanted: number;
  /** The first run: full read and adoption. */
  readonly adopt: Cycle;
  /** Every run after it, in order. */
  readonly runs: readonly Cycle[];
  readonly skippedTicks: number;
  /** Ticks node-cron missed (it warns "missed execution": its timer fired late on a busy event loop). */
  readonly missedTicks: number;
  readonly changes: readonly ChangeResult[];
  readonly loads: readonly string[];
  readonly daemonExit: number;
}

const RUNS_PER_DAY = 1440;
const BUDGET_PER_RUN = 100;
const n = (x: number): string => x.toLocaleString('en-US');
const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;
const gets = (c: Cycle): number => c.requests?.GET ?? 0;
const writes = (c: Cycle): number => Object.entries(c.requests ?? {}).reduce((s, [m, k]) => s + (m === 'GET' ? 0 : k), 0);

function runRows(d: DayInputs): Record<string, string | number>[] {
  const t0 = d.adopt.finishedAt!;
  if (d.runs.length <= 30) {
    return d.runs.map((c, i) => ({
      run: i + 1,
      'started, s after the window opened': ((c.startedAt - t0) / 1000).toFixed(1),
      basis: c.basis ?? '?',
      'source read by, s': c.sourceReadAt === undefined ? '?' : ((c.sourceReadAt - c.startedAt) / 1000).toFixed(2),
      'requests (emulator)': describeRequests(c.requests ?? {}),
      'wall s': (c.wallSeconds ?? 0).toFixed(2),
      'CPU s': (c.cpuSeconds ?? 0).toFixed(2),
      'RSS MB after': (c.rssMb ?? 0).toFixed(0),
    }));
  }
  // A long window: one row per kind of run.
  const groups = new Map<string, Cycle[]>();
  for (const c of d.runs) {
    const key = `${c.basis ?? '?'}, ${writes(c) > 0 ? 'with writes' : 'no writes'}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups].map(([kind, cs]) => {
    const total: Record<string, number> = {};
    for (const c of cs) for (const [m, k] of Object.entries(c.requests ?? {})) total[m] = (total[m] ?? 0) + k;
    return {
      runs: `${kind}: ${cs.length}`,
      'requests, all these runs (emulator)': describeRequests(total),
      'wall s, median (min–max)': spread(cs.map((c) => c.wallSeconds ?? 0)),
      'CPU s, median (min–max)': spread(cs.map((c) => c.cpuSeconds ?? 0)),
    };
  });
}

function changeRows(d: DayInputs): Record<string, string>[] {
  const s = (ms: number | undefined): string => (ms === undefined ? '—' : (ms / 1000).toFixed(2));
  return d.changes.map((c) => ({
    change: `${c.kind} ${c.userName}`,
    request: c.method,
    'delay s (file change → request at the emulator)': s(c.seenAt === undefined ? undefined : c.seenAt - c.changedAt),
    'of which: wait for the run, s': s(c.runStartedAt === undefined ? undefined : c.runStartedAt - c.changedAt),
    'run start → request, s': s(c.seenAt === undefined || c.runStartedAt === undefined ? undefined : c.seenAt - c.runStartedAt),
    timed: c.timing,
  }));
}

function dayRows(d: DayInputs): Record<string, string>[] {
  const full = d.adopt.requests?.GET ?? 0;
  // Runs against the snapshot; a scheduled full read in the window is the day's one full read, not counted twice.
  const between = d.runs.filter((c) => c.basis === 'snapshot');
  const perRun = between.reduce((s, c) => s + gets(c), 0) / Math.max(1, between.length);
  const projected = perRun * (RUNS_PER_DAY - 1) + full;
  const budget = BUDGET_PER_RUN * RUNS_PER_DAY;
  const rows = [
    {
      what: "projected: the window's runs against the snapshot × 1,439 + one full read (the first run's)",
      'reads per day': `${n(Math.round(projected))} (${perRun.toFixed(2)} GET a run × 1,439 + ${n(full)})`,
      [`share of ${n(budget)}`]: pct(projected / budget),
      goal: '≤ 1 %',
    },
  ];
  // A compressed day run long enough: the reads of one whole day as the emulator counted them.
  const dayMs = (86_400_000 / d.factor) | 0;
  const end = d.adopt.startedAt + dayMs;
  const lastStart = d.runs.at(-1)?.startedAt ?? 0;
  if (lastStart + d.interval * 1000 >= end) {
    const inDay = [d.adopt, ...d.runs.filter((c) => c.startedAt < end)];
    const reads = inDay.reduce((s, c) => s + gets(c), 0);
    rows.push({
      what: `measured: ${d.factor === 1 ? '' : `compressed ×${d.factor} `}day from the first run (${inDay.length} runs${d.skippedTicks + d.missedTicks ? `; ${d.skippedTicks} ticks skipped, ${d.missedTicks} missed in the whole window` : ''})`,
      'reads per day': n(reads),
      [`share of ${n(budget)}`]: pct(reads / budget),
      goal: '≤ 1 %',
    });
  }
  return rows;
}

function delayRows(d: DayInputs): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  for (const [what, cs] of [
    ['leavers (DELETE)', d.changes.filter((c) => c.kind === 'leaver')],
    ['every change', d.changes],
  ] as const) {
    const delays = cs.filter((c) => c.seenAt !== undefined).map((c) => (c.seenAt! - c.changedAt) / 1000);
    if (delays.length === 0) continue;
    const sorted = [...delays].sort((x, y) => x - y);
    const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
    const over = delays.filter((x) => x > d.interval).length;
    rows.push({
      changes: `${what}: ${delays.length} seen of ${cs.length}`,
      'delay s, median': median.toFixed(2),
      max: sorted.at(-1)!.toFixed(2),
      'over one interval': `${over} (interval ${d.interval} s)`,
      goal: `≤ ${d.interval} s`,
    });
  }
  return rows;
}

function fullReads(d: DayInputs): string {
  const t0 = d.adopt.startedAt;
  const reads = d.runs.filter((c) => c.basis !== 'snapshot');
  if (reads.length === 0) return 'none after the first run';
  return reads.map((c) => `${((c.startedAt - t0) / 1000).toFixed(0)} s after the first run (${c.basis}, GET ${gets(c)})`).join('; ');
}

/**
 * The longest a change can wait, from the figures measured: made just after a run read the source, it waits
 * for the next tick, then for that run to reach its request.
 */
function worstCase(d: DayInputs): string {
  const reads = d.runs.filter((c) => c.sourceReadAt !== undefined).map((c) => (c.sourceReadAt! - c.startedAt) / 1000);
  const latency = d.changes.filter((c) => c.seenAt !== undefined && c.runStartedAt !== undefined).map((c) => (c.seenAt! - c.runStartedAt!) / 1000);
  if (reads.length === 0 || latency.length === 0) return '';
  const bound = d.interval - Math.min(...reads) + Math.max(...latency);
  return (
    `worst case from these figures: a change made just after a run read the source (${Math.min(...reads).toFixed(2)} s after its start at the earliest) ` +
    `waits ${d.interval} s − ${Math.min(...reads).toFixed(2)} s for the next run, then up to ${Math.max(...latency).toFixed(2)} s for its request: ${bound.toFixed(1)} s ` +
    `(${bound > d.interval ? 'over' : 'within'} one interval)`
  );
}

export function dayReport(d: DayInputs): string {
  const runs = d.runs;
  const rss = runs.map((c) => c.rssMb ?? 0);
  const scale = d.factor === 1 ? 'real time' : `a day compressed ×${d.factor}: every limit and fullReadEvery scaled with it`;
  return [
    '',
    `daemon day: ${n(d.shape.users)} users / ${n(d.shape.groups)} groups / ${n(d.shape.users * d.shape.perUser)} memberships; a run every ${d.interval} s (${scale})`,
    `load average (1/5/15 min): ${d.loads.join('; ')}`,
    '',
    `first run (full read + adopt, --run-now): ${d.adopt.basis}; emulator counted ${describeRequests(d.adopt.requests ?? {})}; ` +
      `${(d.adopt.wallSeconds ?? 0).toFixed(1)} s wall, ${(d.adopt.cpuSeconds ?? 0).toFixed(1)} s CPU (start-up included), peak RSS ${(d.adopt.peakRssMb ?? 0).toFixed(0)} MB`,
    '',
    `window: ${runs.length} runs (${d.cyclesWanted} ticks wanted), ${d.skippedTicks} ticks skipped (a run still going), ${d.missedTicks} missed by node-cron; full reads in the window: ${fullReads(d)}`,
    '',
    table(runRows(d)),
    '',
    `run time: wall ${spread(runs.map((c) => c.wallSeconds ?? 0))} s, CPU ${spread(runs.map((c) => c.cpuSeconds ?? 0))} s (median (min–max));` +
      ` daemon RSS after each run: first ${rss[0]?.toFixed(0)} MB, last ${rss.at(-1)?.toFixed(0)} MB, max ${Math.max(...rss).toFixed(0)} MB; peak RSS ${(runs.at(-1)?.peakRssMb ?? 0).toFixed(0)} MB`,
    '',
    'changes (one at a time, at a random moment of the schedule):',
    '',
    table(changeRows(d)),
    '',
    table(delayRows(d)),
    worstCase(d),
    '',
    table(dayRows(d)),
    '',
    "Measured: every request count (the emulator's counters, per run), times (the daemon's log: run wall; /proc: CPU, RSS), delays",
    "(file renamed into place → the emulator's event time for DELETE/POST, or its counters polled for PATCH).",
    `Projected: the day from the window. The daemon exited ${d.daemonExit}.`,
    '',
  ].join('\n');
}
