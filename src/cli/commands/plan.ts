import { writeFile } from 'node:fs/promises';
import { hasPendingChanges } from '../../plan/index.js';
import { runOnce } from '../../run/index.js';
import { parseCommandArgs, parseCount } from '../args.js';
import { buildContext } from '../context.js';
import { formatError } from '../errors.js';
import { formatRequests, planFormat, renderPlanAs } from '../output.js';
import { PLAN } from '../specs.js';

/** `scimsync plan -c FILE [--json | --format F] [--out PLAN.json]`: exit 0 no changes, 2 changes pending, 1 error. */
export async function planCommand(argv: string[]): Promise<number> {
  const args = parseCommandArgs(PLAN, argv);
  if (!args) return 0;
  const { values } = args;
  const format = planFormat(values.format, values.json);
  const allowDeletes = parseCount('--allow-deletes', values['allow-deletes'], 0);
  const ctx = await buildContext({ configPath: values.config, readOnlyState: true });
  try {
    const result = await runOnce(ctx, {
      mode: 'plan',
      allowDeletes,
      // A plan saved for review is made from a full read, so that `apply --plan` can check the target against it.
      refresh: values.refresh || values.out !== undefined,
    });
    const plan = result.plan;
    if (values.out) await writeFile(values.out, JSON.stringify(plan, null, 2) + '\n', { mode: 0o600 });
    process.stdout.write(renderPlanAs(plan, format, { color: process.stdout.isTTY === true, extra: { requests: result.requests } }));
    if (format === 'text') {
      process.stdout.write(
        `\n${result.requests.GET ? 'Read' : 'Planned'} with ${formatRequests(result.requests)}.${values.out ? ` Plan saved to ${values.out}.` : ''}\n`,
      );
    }
    return hasPendingChanges(plan) ? 2 : 0;
  } catch (err) {
    process.stderr.write(formatError(err, ctx.loaded.secrets));
    return 1;
  } finally {
    await ctx.close();
  }
}
