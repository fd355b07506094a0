import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { configSchema, parseConfig } from '../../../src/config/index.js';
import { canonicalJson } from '../../../src/model/index.js';

const YAML = `
source: { type: csv, users: ./users.csv }
target: { url: "https://core.amplitude.com/scim/1/", token: t0k3n-secret }
sync: { protect: [admin@example.com] }
`;

describe('config: one implementation each', () => {
  it("the config hash is the sha256 of the model's canonical JSON of the config without its secrets", () => {
    const loaded = parseConfig(YAML, { path: '/c/config.yaml', env: {} });
    const { token: _token, ...target } = loaded.config.target;
    const expected = createHash('sha256')
      .update(canonicalJson({ ...loaded.config, target }))
      .digest('hex');
    expect(loaded.hash).toBe(expected);
  });

  it('the schema reads no secret file: tokenFile and bindPasswordFile are folded by the loader alone', () => {
    // A path that exists relative to the working directory: the old schema read it from there.
    const r = configSchema.safeParse({
      source: { type: 'ldap', url: 'ldaps://dc1.example.com', dialect: 'openldap', users: { base: 'dc=x' }, bindDN: 'cn=x', bindPasswordFile: 'package.json' },
      target: { url: 'https://core.amplitude.com/scim/1/', tokenFile: 'package.json' },
    });
    expect(r.success).toBe(false);
    const issues = r.error!.issues.map((i) => [i.path.join('.'), i.message]);
    expect(issues).toEqual([
      ['target.tokenFile', 'was not read: secret files are read by loadConfig/parseConfig, relative to the config file — load the config with them'],
      ['source.bindPasswordFile', 'was not read: secret files are read by loadConfig/parseConfig, relative to the config file — load the config with them'],
    ]);
  });
});
