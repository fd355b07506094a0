import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../../src/config/index.js';

/** The example configs are copied by people: their editor schema line must keep working after the copy. */
const CONFIG = fileURLToPath(new URL('../../../config/', import.meta.url));
const MODELINE = /^# yaml-language-server: \$schema=(\S+)$/;
const examples = readdirSync(CONFIG).filter((f) => f.endsWith('.yaml'));

describe('example configs: the schema modeline', () => {
  it('the schema has a stable $id', () => {
    expect(configJsonSchema()).toMatchObject({ $id: 'urn:scimsync:config', title: 'scimsync configuration' });
  });

  it.each(examples)('%s points at a schema that exists, and says how to keep that true in a copy', (file) => {
    const lines = readFileSync(join(CONFIG, file), 'utf8').split('\n');
    const target = MODELINE.exec(lines[0] ?? '')?.[1];
    expect(target, 'first line is the yaml-language-server modeline').toBeDefined();
    expect(existsSync(resolve(dirname(join(CONFIG, file)), target!))).toBe(true);
    const header = lines.slice(0, 6).join('\n');
    // Both ways a copy elsewhere keeps a working modeline: write the schema beside it, or use the package's.
    expect(header).toContain('scimsync schema --out scimsync.schema.json');
    expect(header).toContain('node_modules/scimsync/config/scimsync.schema.json');
  });
});
