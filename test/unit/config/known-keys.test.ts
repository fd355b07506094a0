import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/index.js';
import { knownKeysAt } from '../../../src/config/known-keys.js';

const csv = { source: { type: 'csv' } };
const ldap = { source: { type: 'ldap' } };

describe('knownKeysAt (zod public API only)', () => {
  it('lists the top-level keys through the transform that folds secret files', () => {
    expect(knownKeysAt(configSchema, {}, [])).toEqual(['source', 'target', 'sync', 'state', 'schedule', 'daemon', 'log']);
  });

  it('picks the source variant the document names', () => {
    expect(knownKeysAt(configSchema, csv, ['source'])).toEqual(['type', 'users', 'groups', 'columns', 'statusValues', 'delimiter', 'encoding']);
    const keys = knownKeysAt(configSchema, ldap, ['source']);
    expect(keys).toEqual(expect.arrayContaining(['url', 'bindDN', 'bindPasswordFile', 'dialect', 'pageSize']));
    expect(keys).not.toContain('columns');
    expect(knownKeysAt(configSchema, ldap, ['source', 'users'])).toEqual(['base', 'filter', 'scope']);
    // No variant named: no guess.
    expect(knownKeysAt(configSchema, { source: { type: 'sql' } }, ['source'])).toEqual([]);
  });

  it('sees through defaults, prefaults and optionals at any depth', () => {
    expect(knownKeysAt(configSchema, csv, ['target', 'rateLimit'])).toEqual(['perMinute', 'concurrency']);
    expect(knownKeysAt(configSchema, csv, ['sync', 'safety'])).toEqual(
      expect.arrayContaining(['maxDeletes', 'maxDeletePercent', 'maxGroupDeletes', 'maxMemberRemovals', 'maxMemberRemovalPercent']),
    );
    expect(knownKeysAt(configSchema, ldap, ['source', 'groups'])).toEqual(['base', 'filter', 'nested', 'inChain']);
  });

  it('has nothing to offer under a leaf or an unknown key', () => {
    expect(knownKeysAt(configSchema, csv, ['schedule'])).toEqual([]);
    expect(knownKeysAt(configSchema, csv, ['nope', 'deeper'])).toEqual([]);
  });

  it('unwraps every wrapper zod offers around an object', () => {
    const inner = z.strictObject({ a: z.string(), b: z.number() });
    const wrapped = z.strictObject({
      optional: inner.optional(),
      nullable: inner.nullable(),
      defaulted: inner.default({ a: '', b: 0 }),
      prefaulted: inner.prefault({ a: '', b: 0 }),
      readonly: inner.readonly(),
      caught: inner.catch({ a: '', b: 0 }),
      piped: inner.transform((x) => x),
      refined: inner.superRefine(() => undefined),
    });
    for (const key of Object.keys(wrapped.shape)) expect([key, knownKeysAt(wrapped, {}, [key])]).toEqual([key, ['a', 'b']]);
  });
});
