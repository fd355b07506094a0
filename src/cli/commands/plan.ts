import { writeFile } from 'node:fs/promises';
import { hasPendingChanges, planToJson, renderPlanText } from '../../plan/index.js';
import { runOnce } from '../../run/run-once.js';
import { CONFIG_OPTION, parseCommandArgs, parseCount } from '../args.js';
import { buildContext } from '../context.js';
import { formatError } from '../errors.js';
import { formatRequests } from '../output.js';

/** `scimsync plan -c FILE [--json] [--out PLAN.json]`: exit 0 no changes, 2 changes pending, 1 error. */
export async function planCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('plan', argv, {
    ...CONFIG_OPTION,
    json: { type: 'boolean', default: false },
    out: { type: 'string' },
    'allow-deletes': { type: 'string' },
    refresh: { type: 'boolean', default: false },
  });
  const ctx = await buildContext({ configPath: values.config, readOnlyState: true });
  try {
    const result = await runOnce(ctx, {
      mode: 'plan',
      allowDeletes: parseCount('--allow-deletes', values['allow-deletes'], 0),
      // A plan saved for review is made from a full read, so that `apply --plan` can check the target against it.
      refresh: values.refresh || values.out !== undefined,
    });
    const plan = result.plan;
    if (values.out) await writeFile(values.out, JSON.stringify(plan, null, 2) + '\n', { mode: 0o600 });
    if (values.json) {
      process.stdout.write(JSON.stringify({ ...planToJson(plan), requests: result.requests }, null, 2) + '\n');
    } else {
      process.stdout.write(renderPlanText(plan, { color: process.stdout.isTTY === true }));
      process.stdout.write(`\n${result.requests.GET ? 'Read' : 'Planned'} with ${formatRequests(result.requests)}.${values.out ? ` Plan saved to ${values.out}.` : ''}\n`);
    }
    return hasPendingChanges(plan) ? 2 : 0;
  } catch (err) {
    process.stderr.write(formatError(err, ctx.loaded.secrets));
    return 1;
  } finally {
    await ctx.close();
  }
}
