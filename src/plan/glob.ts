/**
 * `*` globs for `protect` (emails) and `groups.include/exclude` (group names). Case-insensitive. Patterns
 * are compiled once per plan: exact entries go into a Set, globs into one RegExp each.
 */

export interface GlobSet {
  /** True when `value` equals an exact entry or matches a glob (case-insensitive). */
  matches(value: string): boolean;
  readonly size: number;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

export function compileGlobs(patterns: readonly string[]): GlobSet {
  const exact = new Set<string>();
  const globs: { test(v: string): boolean }[] = [];
  for (const raw of patterns) {
    const p = raw.trim().toLowerCase();
    if (p === '') continue;
    const stars = p.split('*').length - 1;
    if (stars === 1 && p.startsWith('*')) {
      // `*@admins.example.com`, the common case: a suffix test, checked for every user of every run.
      const suffix = p.slice(1);
      globs.push({ test: (v) => v.endsWith(suffix) });
    } else if (stars > 0) {
      globs.push(new RegExp(`^${p.split('*').map(escapeRegExp).join('.*')}$`, 's'));
    } else {
      exact.add(p);
    }
  }
  return {
    size: exact.size + globs.length,
    matches(value: string): boolean {
      const v = value.toLowerCase();
      if (exact.has(v)) return true;
      for (const g of globs) if (g.test(v)) return true;
      return false;
    },
  };
}

/**
 * The group filter: included when it matches `include` (an empty include list means all, so that a config
 * with `include: []` never deletes every managed group) and does not match `exclude`.
 */
export function compileGroupFilter(include: readonly string[], exclude: readonly string[]): (name: string) => boolean {
  const inc = compileGlobs(include);
  const exc = compileGlobs(exclude);
  return (name) => (inc.size === 0 || inc.matches(name)) && !exc.matches(name);
}
