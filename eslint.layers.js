/**
 * The layers of src/ (ARCHITECTURE.md, "Areas"): what each area may import, enforced with
 * `@typescript-eslint/no-restricted-imports` (no plugin needed). Two rules:
 *  - an area imports only the areas listed for it here: layers point down;
 *  - another area is reached only through its `index.js`, its one public surface.
 * A folder area is `src/NAME/`; a file area is `src/NAME.ts`. Anything not listed is refused; a new area
 * needs a row here (and one in ARCHITECTURE.md): the test fails for a folder or file of src/ with none. test/unit/lint/layers.test.ts proves the rule fires.
 */

/** Areas that are one file in src/ rather than a folder. */
const FILE_AREAS = ['errors', 'log', 'version', 'error-text', 'kept-parses', 'utf8-text', 'index'];

/** What each area may import. `{ type: NAME }`: types only (erased at build, so no runtime edge). */
export const LAYERS = {
  errors: [],
  log: [],
  version: [],
  'error-text': ['errors'],
  // The daemon's reuse of parses of unchanged files: below the state and the sources, which both read files.
  'kept-parses': [],
  // Bytes as UTF-8 text, ASCII by a faster path: for every area that reads files or HTTP bodies.
  'utf8-text': [],
  progress: ['errors', 'log'],
  model: ['errors'],
  // The pure core names the state's record types, never the store.
  plan: ['model', 'errors', { type: 'state' }],
  config: ['model', 'errors', 'log'],
  state: ['model', 'errors', 'log', 'kept-parses', 'utf8-text'],
  sources: ['model', 'config', 'errors', 'log', 'kept-parses', 'utf8-text'],
  scim: ['model', 'config', 'errors', 'log', 'utf8-text'],
  apply: ['plan', 'scim', 'state', 'model', 'errors', 'log'],
  run: ['apply', 'plan', 'scim', 'sources', 'state', 'config', 'model', 'errors', 'log'],
  // The daemon runs `run` on a schedule; it names the ports' and the plan's types only.
  daemon: [
    'run',
    'config',
    'state',
    'kept-parses',
    'progress',
    'error-text',
    'model',
    'errors',
    'log',
    'version',
    { type: 'plan' },
    { type: 'scim' },
    { type: 'sources' },
  ],
  cli: ['daemon', 'run', 'apply', 'plan', 'scim', 'sources', 'state', 'config', 'model', 'progress', 'error-text', 'emulator', 'errors', 'log', 'version'],
  // A peer the tests run against, not part of the sync: it shares only the error classes.
  emulator: ['errors'],
  // The library API (src/index.ts).
  index: ['cli', 'run', 'apply', 'plan', 'config', 'emulator', 'model', 'errors', 'log', 'version'],
};

/** Folder areas are at most this deep below their own folder (src/cli/commands/x.ts is depth 2). */
const MAX_DEPTH = 3;

const nameOf = (entry) => (typeof entry === 'string' ? entry : entry.type);
const alternatives = (names) => `(${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`;

/** The patterns for files of `area` whose imports of src/ start with `prefix` (a regex: exact for their depth). */
function patternsFor(area, prefix) {
  const allowed = LAYERS[area];
  const value = allowed.filter((e) => typeof e === 'string');
  const typeOnly = allowed.filter((e) => typeof e !== 'string').map(nameOf);
  const others = Object.keys(LAYERS).filter((a) => a !== area);
  const refused = others.filter((a) => !allowed.some((e) => nameOf(e) === a));
  const folders = (names) => names.filter((n) => !FILE_AREAS.includes(n));
  const files = (names) => names.filter((n) => FILE_AREAS.includes(n));
  const mayList = allowed.map((e) => (typeof e === 'string' ? e : `${e.type} (types only)`)).join(', ') || 'nothing';
  const patterns = [];
  const reachable = folders([...value, ...typeOnly]);
  if (reachable.length > 0) {
    patterns.push({
      regex: `^${prefix}${alternatives(reachable)}/(?!index\\.js$)`,
      message: `Import another area only through its index.js (its public surface): see eslint.layers.js and ARCHITECTURE.md.`,
    });
  }
  if (typeOnly.length > 0) {
    patterns.push({
      // Only the index: typescript-eslint lets a type import through every pattern once one with
      // allowTypeImports matches it, so a wider regex here would let `import type` reach past the index.
      regex: `^${prefix}${alternatives(typeOnly)}/index\\.js$`,
      allowTypeImports: true,
      message: `${area} may import only types from ${typeOnly.join(', ')} (use \`import type\`): layers point down, see eslint.layers.js.`,
    });
  }
  const refusedParts = [];
  if (folders(refused).length > 0) refusedParts.push(`${alternatives(folders(refused))}/`);
  if (files(refused).length > 0) refusedParts.push(`${alternatives(files(refused))}\\.js$`);
  if (refusedParts.length > 0) {
    patterns.push({
      regex: `^${prefix}(${refusedParts.join('|')})`,
      message: `${area} may import only: ${mayList}. Layers point down: see eslint.layers.js and ARCHITECTURE.md.`,
    });
  }
  return patterns;
}

/** One config block per area and depth, so each relative prefix names exactly src/. */
export function layerRules() {
  const rule = (patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] });
  const blocks = [];
  for (const area of Object.keys(LAYERS)) {
    if (FILE_AREAS.includes(area)) {
      blocks.push({ files: [`src/${area}.ts`], rules: rule(patternsFor(area, '\\./')) });
      continue;
    }
    for (let depth = 1; depth <= MAX_DEPTH; depth++) {
      blocks.push({ files: [`src/${area}/${'*/'.repeat(depth - 1)}*.ts`], rules: rule(patternsFor(area, `(\\.\\./){${depth}}`)) });
    }
  }
  return blocks;
}
