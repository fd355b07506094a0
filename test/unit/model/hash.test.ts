import { describe, expect, it } from 'vitest';
import { canonicalJson, hashUserAttributes, isUserAttributesHash, stableHash, UnorderedHasher, unorderedHash } from '../../../src/model/hash.js';

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

  it('gives the values earlier versions gave by hashing the canonical JSON text (saved plans keep them)', () => {
    // Computed by the version that built the text first: strings needing escapes, -0, NaN, bigint, dropped keys.
    const v = { b: [1, 2.5, -0, NaN, null, undefined, true, 'x"\n\ud800\ud83d\ude00', { z: 1n, a: undefined, y: () => 1 }], a: 'zoë', c: {}, d: [] };
    expect([stableHash(v), stableHash('plain'), stableHash({ users: 'abc', groups: 'def' }), stableHash(null)]).toEqual([
      '482c69513c59892f',
      '2ac75c3fd59f2249',
      '139f9ad225752e5b',
      '9b55e0da69fcb93a',
    ]);
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
  // Names that need JSON escapes (quotes, backslash, control characters, lone surrogates) take the slow path.
  const tricky = { userName: 'q"uote@x.com', givenName: 'Zoë \\ "Z"\n\t\u0001', familyName: '\ud83d\ude00 \ud800 \udc00x \u2028' };
  it.each([
    base,
    { ...base, externalId: 'guid-1' },
    { userName: 'q"uote@x.com', givenName: 'Zoë \\ "Z"', familyName: '' },
    tricky,
    { ...tricky, externalId: '\udfff"' },
  ])('equals stableHash of the same attributes: %j', (a) => {
    expect(hashUserAttributes(a)).toBe(stableHash({ ...a }));
  });

  it('gives the values earlier versions stored as pushedHash (state files keep them)', () => {
    // Computed by the version that hashed the JSON text it built: the hash must never move.
    expect(hashUserAttributes(base)).toBe('1024c05a7511941e');
    expect(hashUserAttributes({ ...base, externalId: 'guid-1' })).toBe('2fc4033e63b482dc');
    expect(hashUserAttributes(tricky)).toBe('312a5ad484e802d5');
  });

  it('changes with each pushed attribute and ignores an absent externalId', () => {
    const h = hashUserAttributes(base);
    expect(hashUserAttributes({ ...base, externalId: undefined })).toBe(h);
    expect(hashUserAttributes({ ...base, givenName: 'Anne' })).not.toBe(h);
    expect(hashUserAttributes({ ...base, familyName: 'Li' })).not.toBe(h);
    expect(hashUserAttributes({ ...base, userName: 'b@x.com' })).not.toBe(h);
    expect(hashUserAttributes({ ...base, externalId: 'e1' })).not.toBe(h);
  });
});

describe('UnorderedHasher', () => {
  const items = [['1', 'a@x.com', '', 'Lee', '1'], ['b@x.com', 'b@x.com', 'Bö', '', '0'], ['\ud83d\ude00', 'a\u0000b'], [''], ['x']];
  const joined = items.map((fields) => fields.join('\u0000'));
  const fed = (list: readonly (readonly string[])[]): string => {
    const h = new UnorderedHasher();
    for (const fields of list) {
      for (const f of fields) h.field(f);
      h.end();
    }
    return h.digest();
  };

  it('equals unorderedHash of the items joined with \\u0000, without joining them', () => {
    expect(fed(items)).toBe(unorderedHash(joined));
    expect(fed([...items].reverse())).toBe(unorderedHash(joined));
    expect(fed([])).toBe(unorderedHash([]));
    expect(unorderedHash(['', 'a\u0000b', 'zoë'])).toBe('e2dae9619a14ea3d');
  });

  it('tells where one field ends and the next begins', () => {
    expect(fed([['ab', 'c']])).not.toBe(fed([['a', 'bc']]));
    expect(fed([['a', 'b'], ['c']])).not.toBe(fed([['a'], ['b', 'c']]));
  });
});

describe('isUserAttributesHash', () => {
  const a = { userName: 'a@x.com', givenName: 'Ann', familyName: 'Lee', externalId: 'guid-1' };
  const is = (hash: string, x: typeof a | Omit<typeof a, 'externalId'>): boolean =>
    isUserAttributesHash(hash, x.userName, x.givenName, x.familyName, 'externalId' in x ? x.externalId : undefined);

  it('says yes to the hash of the same attributes, with and without externalId', () => {
    expect(is(hashUserAttributes(a), a)).toBe(true);
    const { externalId: _, ...noExt } = a;
    expect(is(hashUserAttributes(noExt), noExt)).toBe(true);
    expect(is(hashUserAttributes(noExt), a)).toBe(false);
  });

  it('says no when any digit differs, in either half, or the length does', () => {
    const h = hashUserAttributes(a);
    const flip = (i: number): string => h.slice(0, i) + (h[i] === '0' ? '1' : '0') + h.slice(i + 1);
    for (let i = 0; i < 16; i++) expect(is(flip(i), a)).toBe(false);
    expect(is(h.toUpperCase() === h ? `${h}0` : h.toUpperCase(), a)).toBe(false);
    expect(is(h.slice(0, 15), a)).toBe(false);
    expect(is('', a)).toBe(false);
    expect(is(hashUserAttributes({ ...a, givenName: 'Anne' }), a)).toBe(false);
  });
});
