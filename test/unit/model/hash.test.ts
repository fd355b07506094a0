import { describe, expect, it } from 'vitest';
import { canonicalJson, hashUserAttributes, stableHash } from '../../../src/model/hash.js';

describe('canonicalJson', () => {
  it.each([
    [{ b: 1, a: [3, { d: 1, c: 2 }] }, '{"a":[3,{"c":2,"d":1}],"b":1}'],
    [{ a: undefined, b: null }, '{"b":null}'],
    [[undefined, NaN, 'x"y'], '[null,null,"x\\"y"]'],
    ['plain', '"plain"'],
    [true, 'true'],
  ])('%j', (value, want) => {
    expect(canonicalJson(value)).toBe(want);
    // Where JSON.stringify is already canonical, both must agree: the output is real JSON.
    expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(want));
  });
});

describe('stableHash', () => {
  it('ignores key order and undefined properties, at every depth', () => {
    expect(stableHash({ a: 1, b: { x: [1, 2], y: 'z' } })).toBe(stableHash({ b: { y: 'z', x: [1, 2] }, a: 1 }));
    expect(stableHash({ a: 1 })).toBe(stableHash({ a: 1, b: undefined }));
  });

  it.each([
    [{ a: 1 }, { a: 2 }],
    [{ a: '1' }, { a: 1 }],
    [
      [1, 2],
      [2, 1],
    ],
    ['ab', 'ba'],
    [{ a: null }, {}],
  ])('%j and %j differ', (x, y) => {
    expect(stableHash(x)).not.toBe(stableHash(y));
  });

  it('is 16 hex characters and has no collisions over 30,000 near-identical inputs', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 30_000; i++) seen.add(stableHash({ userName: `user${i}@x.com`, givenName: 'A', familyName: 'B' }));
    expect(seen.size).toBe(30_000);
    for (const h of [...seen].slice(0, 100)) expect(h).toMatch(/^[0-9a-f]{16}$/);
  });

  it('hashes a 10 MB string and sees a one-character change in its middle', () => {
    const big = 'x'.repeat(10_000_000);
    const changed = `${big.slice(0, 5_000_000)}y${big.slice(5_000_001)}`;
    expect(stableHash(big)).not.toBe(stableHash(changed));
    expect(stableHash(big)).toBe(stableHash('x'.repeat(10_000_000)));
  });
});

describe('hashUserAttributes', () => {
  const base = { userName: 'a@x.com', givenName: 'Ann', familyName: 'Lee' };
  it.each([base, { ...base, externalId: 'guid-1' }, { userName: 'q"uote@x.com', givenName: 'Zoë \\ "Z"', familyName: '' }])(
    'equals stableHash of the same attributes: %j',
    (a) => {
      expect(hashUserAttributes(a)).toBe(stableHash({ ...a }));
    },
  );

  it('changes with each pushed attribute and ignores an absent externalId', () => {
    const h = hashUserAttributes(base);
    expect(hashUserAttributes({ ...base, externalId: undefined })).toBe(h);
    expect(hashUserAttributes({ ...base, givenName: 'Anne' })).not.toBe(h);
    expect(hashUserAttributes({ ...base, familyName: 'Li' })).not.toBe(h);
    expect(hashUserAttributes({ ...base, userName: 'b@x.com' })).not.toBe(h);
    expect(hashUserAttributes({ ...base, externalId: 'e1' })).not.toBe(h);
  });
});
