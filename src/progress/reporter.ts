import type { Logger } from '../log.js';
import { createStatusLine, type StatusLine, type TextSink } from './status-line.js';

/** What the executor reports after each operation. */
export interface ProgressSnapshot {
  readonly done: number;
  readonly failed: number;
  readonly total: number;
}

export interface ProgressReporterOptions {
  /** Operations in the plan (updated by `update` when the executor reports another total). */
  readonly total: number;
  /** The configured request budget per minute: the physical limit of a sync, so the ETA is computed from it. */
  readonly perMinute: number;
  /** A terminal gets one redrawn status line; anything else gets a log line every `intervalMs`. */
  readonly isTTY: boolean;
  readonly logger: Logger;
  /** How often to log when not on a terminal. @default 30000 */
  readonly intervalMs?: number;
  /** The terminal line, shared with the logger so log lines print above it. @default a line on `stream` */
  readonly line?: StatusLine;
  /** Where the terminal line is drawn when no `line` is given. @default process.stderr */
  readonly stream?: TextSink;
}

export interface ProgressReporter {
  update(p: ProgressSnapshot): void;
  /** Stops the timer; on a terminal, ends the status line. Logs the final figures once. */
  stop(): void;
}

export const DEFAULT_PROGRESS_INTERVAL_MS = 30_000;

/**
 * Seconds left if every remaining operation costs one request at the configured budget. The budget, not
 * CPU or latency, bounds a sync against Amplitude, so this is an honest lower bound and needs no clock.
 */
export function etaSeconds(p: ProgressSnapshot, perMinute: number): number | null {
  if (!(perMinute > 0)) return null;
  const remaining = Math.max(0, p.total - p.done - p.failed);
  return Math.ceil((remaining * 60) / perMinute);
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${String(s).padStart(2, '0')}s`;
}

/** `applying 120/1000 (12%), 3 failed, ETA 9m 47s at 90/min` */
export function formatProgressLine(p: ProgressSnapshot, perMinute: number): string {
  const pct = p.total > 0 ? Math.floor(((p.done + p.failed) * 100) / p.total) : 100;
  const eta = etaSeconds(p, perMinute);
  const failed = p.failed > 0 ? `, ${p.failed} failed` : '';
  const etaText = eta === null ? '' : `, ETA ${formatDuration(eta)} at ${perMinute}/min`;
  return `applying ${p.done + p.failed}/${p.total} (${pct}%)${failed}${etaText}`;
}

export function createProgressReporter(opts: ProgressReporterOptions): ProgressReporter {
  const intervalMs = opts.intervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
  const line = opts.line ?? createStatusLine(opts.stream ?? process.stderr);
  let latest: ProgressSnapshot = { done: 0, failed: 0, total: opts.total };
  let lastLogged: ProgressSnapshot | undefined;
  let stopped = false;

  const log = (msg: string): void => {
    const eta = etaSeconds(latest, opts.perMinute);
    opts.logger.info({ done: latest.done, failed: latest.failed, total: latest.total, etaSeconds: eta }, msg);
    lastLogged = latest;
  };

  // Off a terminal nobody sees a redrawn line: a periodic log line keeps long first loads visible
  // (kubectl logs, journald) without one line per operation.
  const timer = opts.isTTY
    ? undefined
    : setInterval(() => {
        if (lastLogged !== latest) log('apply progress');
      }, intervalMs);
  timer?.unref();

  return {
    update(p) {
      if (stopped) return;
      latest = { done: p.done, failed: p.failed, total: p.total };
      if (opts.isTTY) line.draw(formatProgressLine(latest, opts.perMinute));
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearInterval(timer);
      if (opts.isTTY) {
        line.draw(formatProgressLine(latest, opts.perMinute));
        line.end();
      } else if (latest.total > 0 && lastLogged !== latest) log('apply progress');
    },
  };
}
