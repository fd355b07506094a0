import { afterEach, describe, expect, it } from 'vitest';
import { KeptParses, keepParses } from '../../src/kept-parses.js';

afterEach(() => keepParses(false));

describe('KeptParses.parseOf: a value made from several inputs', () => {
  it('is reused only for the same inputs in the same order, split the same way', () => {
    keepParses();
    const kept = new KeptParses<number>();
    let parses = 0;
    const parse = () => ++parses;
    expect(kept.parseOf('k', ['ab', 'c'], parse)).toBe(1);
    expect(kept.parseOf('k', ['ab', 'c'], parse)).toBe(1);
    // The same bytes split differently are other inputs (each is length-prefixed in the digest).
    expect(kept.parseOf('k', ['a', 'bc'], parse)).toBe(2);
    expect(kept.parseOf('k', [Buffer.from('a'), 'bc'], parse)).toBe(2);
    expect(kept.parseOf('k', ['bc', 'a'], parse)).toBe(3);
    // One value per key: the last one made.
    expect(kept.parseOf('k', ['ab', 'c'], parse)).toBe(4);
  });

  it('a parse that throws keeps nothing, and nothing is kept while off', () => {
    keepParses();
    const kept = new KeptParses<number>();
    expect(() =>
      kept.parseOf('k', ['x'], () => {
        throw new Error('bad');
      }),
    ).toThrow('bad');
    expect(kept.parseOf('k', ['x'], () => 7)).toBe(7);
    keepParses(false);
    expect(kept.parseOf('k', ['x'], () => 8)).toBe(8);
  });
});
