import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layer rule (eslint.layers.js) run through ESLint's own API on probe files that do not exist on disk:
// a wrong import must fail `npm run lint`, and every area of src/ must be covered.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({ cwd: root });
const RULE = '@typescript-eslint/no-restricted-imports';

const entries = readdirSync(new URL('../../../src/', import.meta.url), { withFileTypes: true });
const folderAreas = entries.filter((e) => e.isDirectory()).map((e) => e.name);
const fileAreas = entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => e.name);

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === RULE).map((m) => m.message);
}

describe('layers and public surfaces (eslint.layers.js)', () => {
  it('covers every folder and file of src/', async () => {
    expect(folderAreas.length).toBeGreaterThan(10);
    const uncovered: string[] = [];
    for (const path of [
      ...folderAreas.map((a) => `src/${a}/probe.ts`),
      ...folderAreas.map((a) => `src/${a}/sub/probe.ts`),
      ...fileAreas.map((f) => `src/${f}`),
    ]) {
      const config = (await eslint.calculateConfigForFile(path)) as { rules?: Record<string, unknown> };
      if (config.rules?.[RULE] === undefined) uncovered.push(path);
    }
    expect(uncovered).toEqual([]);
  });

  it("refuses, from every area and depth, an import that reaches past another area's index.js", async () => {
    const missed: string[] = [];
    for (const from of folderAreas) {
      for (const to of folderAreas.filter((a) => a !== from)) {
        for (const [file, up] of [
          [`src/${from}/probe.ts`, '../'],
          [`src/${from}/sub/probe.ts`, '../../'],
        ] as const) {
          const errors = await layerErrors(file, `import type { X } from '${up}${to}/internal.js';\nexport type Y = X;`);
          if (errors.length === 0) missed.push(`${file} -> ${to}/internal.js`);
        }
      }
    }
    expect(missed).toEqual([]);
  });

  it.each([
    [
      'the daemon reaching up into the CLI (the case that started this rule)',
      'src/daemon/probe.ts',
      "import { buildContext } from '../cli/index.js';",
      'daemon may import only',
    ],
    ['the model importing the plan', 'src/model/probe.ts', "import { computePlan } from '../plan/index.js';", 'model may import only'],
    [
      'the pure plan importing the state store (a value)',
      'src/plan/probe.ts',
      "import { openStateStore } from '../state/index.js';",
      'plan may import only types from state',
    ],
    ['scim importing the plan', 'src/scim/profiles/probe.ts', "import type { Plan } from '../../plan/index.js';", 'scim may import only'],
    ['a source importing the SCIM client', 'src/sources/csv/probe.ts', "import { createScimTarget } from '../../scim/index.js';", 'sources may import only'],
    ['the emulator importing the logger', 'src/emulator/probe.ts', "import { createLogger } from '../log.js';", 'emulator may import only'],
    ['the daemon importing a value from scim', 'src/daemon/probe.ts', "import { RateBudget } from '../scim/index.js';", 'daemon may import only types from'],
    ['anything importing the library API', 'src/run/probe.ts', "import { plan } from '../index.js';", 'run may import only'],
    ['a deep import of an allowed area', 'src/apply/probe.ts', "import type { Plan } from '../plan/types.js';", 'through its index.js'],
  ])('refuses %s', async (_name, file, code, message) => {
    const errors = await layerErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
  });

  it.each([
    ['an allowed area through its index', 'src/apply/probe.ts', "import { computePlan } from '../plan/index.js';"],
    ['types from the state in the pure plan', 'src/plan/probe.ts', "import type { SyncState } from '../state/index.js';"],
    ['a sibling file of the same area from a sub-folder', 'src/sources/csv/probe.ts', "import type { Source } from '../port.js';"],
    ["cli/errors.ts from cli/commands (depth decides what '../errors.js' names)", 'src/cli/commands/probe.ts', "import { exitCodeOf } from '../errors.js';"],
    ['the shared errors from a sub-folder', 'src/scim/profiles/probe.ts', "import { TargetError } from '../../errors.js';"],
  ])('allows %s', async (_name, file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  });
});
