import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../../emulator/index.js';
import { hasPendingChanges, renderPlanText } from '../../plan/index.js';
import { runOnce } from '../../run/index.js';
import { buildContext } from '../context.js';
import { formatError } from '../errors.js';
import { describeApply, formatRequests } from '../output.js';
import { parseCommandArgs } from '../args.js';
import { DEMO } from '../specs.js';

const DEMO_CONFIG = fileURLToPath(new URL('../../../config/demo/config.yaml', import.meta.url));

/**
 * `scimsync demo` (npm run demo): the main job on an embedded default. Starts the emulator in-process on a
 * free port, syncs config/demo/ into it, and shows that a second plan has nothing left to do. No network,
 * no secrets (the emulator's key is made up here and lives only in this process).
 */
export async function demoCommand(argv: string[]): Promise<number> {
  if (!parseCommandArgs(DEMO, argv)) return 0;
  const dir = await mkdtemp(join(tmpdir(), 'scimsync-demo-'));
  const emulator = await startEmulator({
    port: 0,
    rateLimit: 0,
    seed: {
      // An org that already has an admin (protected, never touched), one of the HR export's people
      // (adopted, not re-invited) and a hand-made group scimsync does not own (left alone).
      users: [
        { userName: 'admin@example.com', givenName: 'Org', familyName: 'Admin' },
        { userName: 'grace.hopper@example.com', givenName: 'Grace', familyName: 'Hopper' },
      ],
      groups: [{ displayName: 'Finance (managed by hand)', members: ['admin@example.com'] }],
    },
  });
  process.env.SCIMSYNC_DEMO_URL = emulator.url;
  process.env.SCIMSYNC_DEMO_TOKEN = emulator.token;
  process.env.SCIMSYNC_DEMO_STATE = join(dir, 'state.json');
  const out = (s: string) => process.stdout.write(s);
  try {
    out(`scimsync demo: emulator listening on ${emulator.url}; syncing ${DEMO_CONFIG}\n\n`);

    out('── 1. plan (dry run: nothing is written) ──\n');
    const first = await withContext((ctx) => runOnce(ctx, { mode: 'plan' }));
    out(renderPlanText(first.plan) + `\nRead with ${formatRequests(first.requests)}.\n\n`);

    out('── 2. apply ──\n');
    const applied = await withContext((ctx) => runOnce(ctx, { mode: 'apply' }));
    const report = 'report' in applied ? applied.report : undefined;
    out(describeApply(applied.outcome, report, applied.requests) + '\n\n');

    out('── 3. plan again (should be empty) ──\n');
    const second = await withContext((ctx) => runOnce(ctx, { mode: 'plan' }));
    out(renderPlanText(second.plan) + `\nRead with ${formatRequests(second.requests)}.\n\n`);

    const stats = emulator.stats();
    const users = emulator.users();
    out(
      `The emulator now holds ${users.length} users and ${emulator.groups().length} groups; it served ${stats.total} SCIM requests ` +
        `(${Object.entries(stats.byMethod)
          .map(([m, n]) => `${m} ${n}`)
          .join(', ')}).\n`,
    );
    const ok = applied.outcome === 'converged' && !hasPendingChanges(second.plan);
    out(ok ? 'Demo complete: the target matches the source.\n' : 'Demo did NOT converge: see the output above.\n');
    return ok ? 0 : 1;
  } catch (err) {
    process.stderr.write(formatError(err, [emulator.token]));
    return 1;
  } finally {
    await emulator.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function withContext<T>(fn: (ctx: Awaited<ReturnType<typeof buildContext>>) => Promise<T>): Promise<T> {
  const ctx = await buildContext({ configPath: DEMO_CONFIG });
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}
