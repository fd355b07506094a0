import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../errors.js';
import { renderPlanText } from '../../plan/index.js';
import type { Plan } from '../../plan/types.js';
import { runOnce } from '../../run/run-once.js';
import { CONFIG_OPTION, parseCommandArgs, parseCount } from '../args.js';
import { buildContext } from '../context.js';
import { formatError } from '../errors.js';
import { applyJson, describeApply } from '../output.js';
import { createProgressReporter } from '../progress.js';

/** `scimsync apply -c FILE [--plan PLAN.json] [--allow-deletes N] [--json]`: exit 0 done, 1 error or failures, 3 refused. */
export async function applyCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('apply', argv, {
    ...CONFIG_OPTION,
    json: { type: 'boolean', default: false },
    plan: { type: 'string' },
    'allow-deletes': { type: 'string' },
    refresh: { type: 'boolean', default: false },
  });
  const allowDeletes = parseCount('--allow-deletes', values['allow-deletes'], 0);
  const savedPlan = values.plan ? await readSavedPlan(values.plan) : undefined;
  const ctx = await buildContext({ configPath: values.config });
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let progress: ReturnType<typeof createProgressReporter> | undefined;
  try {
    const result = await runOnce(ctx, {
      mode: 'apply',
      allowDeletes,
      savedPlan,
      refresh: values.refresh,
      signal: abort.signal,
      onProgress: (p) => {
        progress ??= createProgressReporter({
          total: p.total,
          perMinute: ctx.loaded.config.target.rateLimit.perMinute,
          isTTY: !values.json && process.stderr.isTTY === true,
          logger: ctx.logger,
          intervalMs: 10_000,
        });
        progress.update(p);
      },
    });
    progress?.stop();
    const report = 'report' in result ? result.report : undefined;
    if (values.json) {
      process.stdout.write(JSON.stringify(applyJson(result.plan, result.outcome, report, result.requests), null, 2) + '\n');
    } else {
      process.stdout.write(renderPlanText(result.plan, { color: process.stdout.isTTY === true }));
      process.stdout.write('\n' + (result.outcome === 'refused' ? refusal(result.plan) : describeApply(result.outcome, report, result.requests)) + '\n');
      if (report) for (const r of report.results) if (r.status === 'failed') process.stdout.write(`  ✖ ${r.key}: ${r.error?.message ?? 'failed'}\n`);
    }
    if (result.outcome === 'refused') return 3;
    return result.outcome === 'converged' ? 0 : 1;
  } catch (err) {
    progress?.stop();
    process.stderr.write(formatError(err, ctx.loaded.secrets));
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await ctx.close();
  }
}

function refusal(plan: Plan): string {
  const lines = plan.blocked.map((v) => `Refused: ${v.message}`);
  return `${lines.join('\n')}\nNothing was changed.`;
}

async function readSavedPlan(path: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read saved plan ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, [], 'pass the file written by `scimsync plan --out`');
  }
  try {
    const plan = JSON.parse(text) as Plan;
    if (!plan || typeof plan !== 'object' || !Array.isArray(plan.operations) || !plan.basis) throw new Error('not a plan');
    return plan;
  } catch {
    throw new ConfigError(`${path} is not a scimsync plan file`, [], 'pass the file written by `scimsync plan --out`, unmodified');
  }
}
