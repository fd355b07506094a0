/**
 * What bench/daemon-day.ts watches while the daemon runs: each run's requests as the emulator counted them,
 * its time and memory; and the moment each change made to the source reaches the emulator.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { email, groupsOf, writeUsersCsv, type Shape } from './dataset.js';
import type { DaemonProcess, LogLine } from './daemon-process.js';
import type { EmulatorProcess } from './emulator-process.js';

export interface Cycle {
  readonly runId: string;
  /** ms since the epoch, from the daemon's `run started` line. */
  readonly startedAt: number;
  finishedAt?: number;
  /** ms: the daemon's `source read` line (a change after it waits for the next run). */
  sourceReadAt?: number;
  basis?: string;
  end?: string;
  /** The daemon's own measure of the run (config load to closing the state). */
  wallSeconds?: number;
  /** The daemon process's CPU time since the previous run ended (the first run: since the process started). */
  cpuSeconds?: number;
  rssMb?: number;
  peakRssMb?: number;
  /** By method, from the emulator's counters (the difference over the run). */
  requests?: Record<string, number>;
}

const RUN_END = /^run (finished|refused|stopped|failed|crashed)/;

/** Records every run of the daemon; `settled()` waits until the last ended run's emulator counts are in. */
export class CycleRecorder {
  readonly cycles: Cycle[] = [];
  /** Times (ms) of ticks the daemon skipped because a run was still going. */
  readonly skippedTicks: number[] = [];
  /** Times (ms) of ticks node-cron itself missed (its timer fired late: the event loop was busy). */
  readonly missedTicks: number[] = [];
  private cpuAtLastEnd = 0;
  private lastByMethod: Record<string, number> = {};
  private chain: Promise<void> = Promise.resolve();
  private waiters: (() => void)[] = [];

  constructor(
    private readonly daemon: DaemonProcess,
    private readonly emulator: EmulatorProcess,
  ) {
    daemon.onLine((line) => this.line(line));
  }

  private line(l: LogLine): void {
    const current = this.cycles.at(-1);
    if (l.msg === 'run started' && l.runId) this.cycles.push({ runId: l.runId, startedAt: l.time });
    else if (l.msg === 'source read' && current && current.runId === l.runId) current.sourceReadAt = l.time;
    else if (l.msg === 'target read' && current && current.runId === l.runId) current.basis = l.basis;
    else if (l.msg.startsWith('skipping scheduled run')) this.skippedTicks.push(l.time);
    else if (l.msg.startsWith('missed execution')) this.missedTicks.push(l.time);
    else if (RUN_END.test(l.msg) && current && current.runId === l.runId) this.ended(current, l);
  }

  private ended(c: Cycle, l: LogLine): void {
    // The daemon is idle between runs, so what it used since the last run ended is this run's.
    const cpu = this.daemon.cpuSeconds();
    const mem = this.daemon.memoryMb();
    Object.assign(c, {
      finishedAt: l.time,
      end: l.msg,
      wallSeconds: l.durationSeconds,
      cpuSeconds: cpu - this.cpuAtLastEnd,
      rssMb: mem.rss,
      peakRssMb: mem.peak,
    });
    this.cpuAtLastEnd = cpu;
    // No request reaches the emulator between runs, so the counters' difference since the last run ended is this run's.
    this.chain = this.chain.then(async () => {
      const byMethod = (await this.emulator.stats()).byMethod;
      c.requests = Object.fromEntries(Object.entries(byMethod).map(([m, n]) => [m, n - (this.lastByMethod[m] ?? 0)]));
      this.lastByMethod = byMethod;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Ended runs whose counts are in. */
  done(): Cycle[] {
    return this.cycles.filter((c) => c.requests !== undefined);
  }

  /** Resolves once `n` runs have ended and been counted. */
  async waitForRuns(n: number): Promise<void> {
    while (this.done().length < n) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  settled(): Promise<void> {
    return this.chain;
  }
}

export type ChangeKind = 'leaver' | 'new group' | 'joiner';

export interface ChangeResult {
  readonly kind: ChangeKind;
  readonly userName: string;
  /** The write methods the emulator counted first after the change (a joiner on Amplitude: a group PATCH invites them). */
  readonly method: string;
  /** ms: the CSV renamed into place. */
  readonly changedAt: number;
  /** ms: the request reached the emulator (its event log where it logs one, else counter polling), or undefined. */
  readonly seenAt: number | undefined;
  /** How it was timed: `event` (the emulator's own timestamp) or `poll` (counter polled every pollMs). */
  readonly timing: 'event' | 'poll';
  /** The run that carried it, started at (ms). */
  readonly runStartedAt: number | undefined;
}

export interface ChangeOptions {
  readonly dir: string;
  readonly shape: Shape;
  readonly intervalMs: number;
  readonly pollMs: number;
  readonly random: () => number;
}

/**
 * One change at a time: wait a random part of an interval (so the change lands at a random moment of the
 * schedule), change users.csv, poll the emulator's counters until the request that carries it arrives, and
 * wait for that run to end before the next change, so no request is ever credited to the wrong change.
 */
export class ChangeInjector {
  private readonly leavers = new Set<number>();
  private readonly regrouped = new Map<number, number[]>();
  private joiners = 0;
  readonly results: ChangeResult[] = [];

  constructor(
    private readonly o: ChangeOptions,
    private readonly emulator: EmulatorProcess,
    private readonly recorder: CycleRecorder,
  ) {}

  /** A person none of the earlier changes touched, picked at random. */
  private pick(): number {
    for (;;) {
      const i = Math.floor(this.o.random() * this.o.shape.users);
      if (!this.leavers.has(i) && !this.regrouped.has(i)) return i;
    }
  }

  async inject(kind: ChangeKind, give_up_ms: number): Promise<ChangeResult> {
    await sleep(Math.floor(this.o.random() * this.o.intervalMs));
    const before = (await this.emulator.stats()).byMethod;
    let who: number;
    if (kind === 'leaver') {
      who = this.pick();
      this.leavers.add(who);
    } else if (kind === 'new group') {
      // One of their groups swapped for the next one: a member removed from one group, added to another.
      who = this.pick();
      const groups = groupsOf(this.o.shape, who);
      groups[0] = (groups[0]! + 1) % this.o.shape.groups;
      this.regrouped.set(who, groups);
    } else {
      who = this.o.shape.users + this.joiners++;
    }
    await writeUsersCsv(this.o.dir, this.o.shape, this.leavers, { joiners: this.joiners, regrouped: this.regrouped });
    const changedAt = Date.now();
    let polled: number | undefined;
    let method = '';
    while (Date.now() - changedAt < give_up_ms) {
      const now = (await this.emulator.stats()).byMethod;
      method = Object.keys(now)
        .filter((m) => m !== 'GET' && (now[m] ?? 0) > (before[m] ?? 0))
        .join('+');
      if (method !== '') {
        polled = Date.now();
        break;
      }
      await sleep(this.o.pollMs);
    }
    // The emulator logs a removal and an invitation with its own clock: exact where it applies.
    const types = kind === 'leaver' ? ['remove', 'revoke', 'delete'] : kind === 'joiner' ? ['invite', 'create'] : [];
    const events = types.length > 0 && polled !== undefined ? await this.emulator.events() : [];
    const event = events.find((e) => e.userName === email(who) && types.includes(e.type) && Date.parse(e.at) >= changedAt - 1000);
    const seenAt = event ? Date.parse(event.at) : polled;
    const run = seenAt === undefined ? undefined : this.recorder.cycles.filter((c) => c.startedAt <= seenAt).at(-1);
    const result: ChangeResult = { kind, userName: email(who), method, changedAt, seenAt, timing: event ? 'event' : 'poll', runStartedAt: run?.startedAt };
    this.results.push(result);
    // Let the run that carried it finish (a joiner's group PATCHes follow its POST) before the next change.
    if (run) while (run.finishedAt === undefined) await sleep(this.o.pollMs);
    return result;
  }
}
