/**
 * How a running apply shows its progress to a person: one redrawn line on a terminal, a periodic log line
 * elsewhere (the daemon, CI). Used by the CLI and the daemon alike, so it lives below both. Not to be
 * confused with apply/progress.ts, which records what a run has done so that the next one can resume.
 */
export {
  createProgressReporter,
  etaSeconds,
  formatDuration,
  formatProgressLine,
  DEFAULT_PROGRESS_INTERVAL_MS,
  type ProgressReporter,
  type ProgressReporterOptions,
  type ProgressSnapshot,
} from './reporter.js';
export { createStatusLine, type StatusLine, type TextSink } from './status-line.js';
