import { setTimeout as delay } from 'node:timers/promises';
import { countChanges, renderPlanText, type Plan } from '../../plan/index.js';
import { runOnce } from '../../run/index.js';
import { isScimsyncError } from '../../errors.js';
import type { StateStore } from '../../state/index.js';
import { parseCommandArgs, parseCount } from '../args.js';
import { askToApply, needsConfirmation } from '../confirm.js';
import { buildContext } from '../context.js';
import { formatError } from '../errors.js';
import { onInterrupt } from '../interrupt.js';
import { applyJson, describeApply } from '../output.js';
import { createProgressReporter, createStatusLine, type ProgressReporter } from '../../progress/index.js';
import { readSavedPlan } from '../saved-plan.js';
import { APPLY } from '../specs.js';

/** How long a second Ctrl-C waits for the state file to be written before quitting anyway. */
const QUIT_FLUSH_BOUND_MS = 2_000;

/**
 * `scimsync apply -c FILE [--plan PLAN.json] [--allow-deletes N] [--yes] [--json]`: exit 0 done; 1 error,
 * failures, stopped by a signal or not confirmed; 3 refused by the deletion guard.
 */
export async function applyCommand(argv: string[]): Promise<number> {
  const args = parseCommandArgs(APPLY, argv);
  if (!args) return 0;
  const { values } = args;
  const allowDeletes = parseCount('--allow-deletes', values['allow-deletes'], 0);
  const savedPlan = values.plan ? await readSavedPlan(values.plan) : undefined;
  const terminal = process.stderr.isTTY === true;
  const line = terminal ? createStatusLine(process.stderr) : undefined;
  const say = (text: string): void => void (line ? line.print(text) : process.stderr.write(`${text}\n`));
  const ctx = await buildContext({ configPath: values.config, statusLine: line });

  const stop = new AbortController();
  let asking = false;
  const interrupts = onInterrupt({
    first() {
      // While asking, Ctrl-C only means "no" (the prompt is aborted by the same signal).
      if (!asking) {
        const n = ctx.target.writesInFlight?.() ?? 0;
        say(`stopping: waiting for ${n} request${n === 1 ? '' : 's'} in flight (Ctrl-C again to quit now)`);
      }
      stop.abort();
    },
    second() {
      void quitNow(ctx.store, say);
    },
  });

  let progress: ProgressReporter | undefined;
  try {
    const result = await runOnce(ctx, {
      mode: 'apply',
      allowDeletes,
      savedPlan,
      refresh: values.refresh,
      signal: stop.signal,
      confirm: async (plan) => {
        const changes = countChanges(plan.operations);
        const ask = needsConfirmation({ yes: values.yes, interactive: process.stdin.isTTY === true && terminal, changes });
        // The plan is shown before anything is written; --json shows it only to a person being asked.
        if (!values.json) process.stdout.write(renderPlanText(plan, { color: process.stdout.isTTY === true }) + '\n');
        else if (ask) process.stderr.write(renderPlanText(plan, { color: true }) + '\n');
        if (!ask) return true;
        asking = true;
        try {
          return await askToApply(changes, { input: process.stdin, output: process.stderr, signal: stop.signal });
        } finally {
          asking = false;
        }
      },
      onProgress: (p) => {
        progress ??= createProgressReporter({
          total: p.total,
          perMinute: ctx.loaded.config.target.rateLimit.perMinute,
          isTTY: !values.json && terminal,
          logger: ctx.logger,
          intervalMs: 10_000,
          ...(line ? { line } : {}),
        });
        progress.update(p);
      },
    });
    progress?.stop();
    return writeOutcome(result, { json: values.json === true, stopped: stop.signal.aborted });
  } catch (err) {
    progress?.stop();
    if (stop.signal.aborted && isScimsyncError(err) && err.code === 'SCIMSYNC_ABORTED') {
      say('Apply stopped before anything was written.');
      return 1;
    }
    process.stderr.write(formatError(err, ctx.loaded.secrets));
    return 1;
  } finally {
    interrupts.dispose();
    await ctx.close();
  }
}

/**
 * A second Ctrl-C: write what the executor has recorded (it hands every applied operation to the store
 * as soon as a stop begins) and leave. A write already sent may still complete on the target; the next
 * run reads the target and records it.
 */
async function quitNow(store: StateStore, say: (text: string) => void): Promise<never> {
  const saved = await Promise.race([
    store.flush().then(
      () => true,
      () => false,
    ),
    delay(QUIT_FLUSH_BOUND_MS, false),
  ]);
  say(
    saved
      ? `quit: progress saved to ${store.path}; run apply again to resume`
      : `quit: the progress could not be saved to ${store.path}; the next run reads the target again`,
  );
  process.exit(1);
}

/** Prints what the run did (JSON, cancelled, refused, or the apply's summary and failures); returns the exit code. */
function writeOutcome(result: Awaited<ReturnType<typeof runOnce>>, how: { json: boolean; stopped: boolean }): number {
  const report = 'report' in result ? result.report : undefined;
  const declined = result.outcome === 'planned';
  if (how.json) {
    process.stdout.write(JSON.stringify(applyJson(result.plan, declined ? 'cancelled' : result.outcome, report, result.requests), null, 2) + '\n');
  } else if (declined) {
    process.stdout.write('Apply cancelled; nothing was changed.\n');
  } else if (result.outcome === 'refused') {
    process.stdout.write(renderPlanText(result.plan, { color: process.stdout.isTTY === true }));
    process.stdout.write('\n' + refusal(result.plan) + '\n');
  } else {
    process.stdout.write(describeApply(result.outcome, report, result.requests, how.stopped) + '\n');
    if (report) for (const r of report.results) if (r.status === 'failed') process.stdout.write(`  ✖ ${r.key}: ${r.error?.message ?? 'failed'}\n`);
  }
  if (result.outcome === 'refused') return 3;
  return result.outcome === 'converged' ? 0 : 1;
}

function refusal(plan: Plan): string {
  const lines = plan.blocked.map((v) => `Refused: ${v.message}`);
  return `${lines.join('\n')}\nNothing was changed.`;
}
