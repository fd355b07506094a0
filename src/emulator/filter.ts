import { TargetError } from '../errors.js';

/**
 * RFC 7644 §3.4.2.2 filters: `eq ne co sw ew pr gt ge lt le`, `and or not`, parentheses and value paths
 * (`emails[value eq "x"]`). Attribute names and operators are case-insensitive; attributes are checked
 * against the resource's known set at parse time so junk gets 400 invalidFilter, not an empty list.
 */
export type FilterNode =
  | { kind: 'cmp'; attr: string; op: CompareOp; value: string | number | boolean | null }
  | { kind: 'pr'; attr: string }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; expr: FilterNode };

type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
const COMPARE_OPS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
/** Attributes whose values compare case-sensitively (RFC 7643 caseExact). */
const CASE_EXACT = new Set(['id', 'externalid']);
const CORE_URN = /^urn:ietf:params:scim:schemas:core:2\.0:(user|group):/i;

type Token = { t: 'word'; v: string } | { t: 'str'; v: string } | { t: '(' | ')' | '[' | ']' };

function invalid(detail: string): TargetError {
  return new TargetError(`invalid filter: ${detail}`, { status: 400, scimType: 'invalidFilter' });
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      out.push({ t: c });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) throw invalid('unterminated string');
      try {
        out.push({ t: 'str', v: JSON.parse(src.slice(i, j + 1)) as string });
      } catch {
        throw invalid('bad string escape');
      }
      i = j + 1;
    } else {
      let j = i;
      while (j < src.length && !' \t\n\r()[]"'.includes(src[j] as string)) j++;
      out.push({ t: 'word', v: src.slice(i, j) });
      i = j;
    }
  }
  return out;
}

class Parser {
  private pos = 0;
  constructor(
    private readonly toks: Token[],
    private readonly attrs: ReadonlySet<string>,
  ) {}

  parse(): FilterNode {
    if (this.toks.length === 0) throw invalid('empty filter');
    const node = this.or('');
    if (this.pos < this.toks.length) throw invalid('unexpected trailing input');
    return node;
  }

  private peekWord(): string | undefined {
    const t = this.toks[this.pos];
    return t?.t === 'word' ? t.v.toLowerCase() : undefined;
  }

  private expect(t: '(' | ')' | '[' | ']'): void {
    if (this.toks[this.pos]?.t !== t) throw invalid(`expected "${t}"`);
    this.pos++;
  }

  private or(prefix: string): FilterNode {
    let left = this.and(prefix);
    while (this.peekWord() === 'or') {
      this.pos++;
      left = { kind: 'or', left, right: this.and(prefix) };
    }
    return left;
  }

  private and(prefix: string): FilterNode {
    let left = this.unary(prefix);
    while (this.peekWord() === 'and') {
      this.pos++;
      left = { kind: 'and', left, right: this.unary(prefix) };
    }
    return left;
  }

  private unary(prefix: string): FilterNode {
    const tok = this.toks[this.pos];
    if (tok?.t === '(') {
      this.pos++;
      const e = this.or(prefix);
      this.expect(')');
      return e;
    }
    if (this.peekWord() === 'not') {
      this.pos++;
      this.expect('(');
      const e = this.or(prefix);
      this.expect(')');
      return { kind: 'not', expr: e };
    }
    return this.attrExpr(prefix);
  }

  private attrExpr(prefix: string): FilterNode {
    const tok = this.toks[this.pos++];
    if (tok?.t !== 'word') throw invalid('expected an attribute name');
    const name = prefix + tok.v.replace(CORE_URN, '').toLowerCase();
    if (this.toks[this.pos]?.t === '[') {
      // A value path filters inside a multi-valued attribute: its sub-attributes get the parent's prefix.
      if (prefix) throw invalid('nested value paths');
      this.pos++;
      const inner = this.or(`${name}.`);
      this.expect(']');
      return inner;
    }
    if (!this.attrs.has(name)) throw invalid(`unknown attribute "${tok.v}"`);
    const op = this.peekWord();
    if (op === undefined) throw invalid('expected an operator');
    this.pos++;
    if (op === 'pr') return { kind: 'pr', attr: name };
    if (!COMPARE_OPS.has(op)) throw invalid(`unknown operator "${op}"`);
    const v = this.toks[this.pos++];
    if (v?.t === 'str') return { kind: 'cmp', attr: name, op: op as CompareOp, value: v.v };
    if (v?.t === 'word') {
      const w = v.v.toLowerCase();
      if (w === 'true' || w === 'false') return { kind: 'cmp', attr: name, op: op as CompareOp, value: w === 'true' };
      if (w === 'null') return { kind: 'cmp', attr: name, op: op as CompareOp, value: null };
      if (/^-?\d+(\.\d+)?$/.test(w)) return { kind: 'cmp', attr: name, op: op as CompareOp, value: Number(w) };
    }
    throw invalid('expected a value (quoted string, number, true, false or null)');
  }
}

/** Parses a filter; `attrs` are the lower-cased attribute paths the resource type supports. */
export function parseFilter(text: string, attrs: ReadonlySet<string>): FilterNode {
  return new Parser(tokenize(text), attrs).parse();
}

/** `userName eq "x"`: the one filter every IdP sends, answered from the index instead of a scan. */
export function simpleEquality(node: FilterNode, attr: string): string | undefined {
  return node.kind === 'cmp' && node.op === 'eq' && node.attr === attr && typeof node.value === 'string' ? node.value : undefined;
}

/** `get` returns the values of an attribute path for one resource (several for multi-valued ones). */
export function matches(node: FilterNode, get: (attr: string) => readonly unknown[]): boolean {
  switch (node.kind) {
    case 'and':
      return matches(node.left, get) && matches(node.right, get);
    case 'or':
      return matches(node.left, get) || matches(node.right, get);
    case 'not':
      return !matches(node.expr, get);
    case 'pr':
      return get(node.attr).some((v) => v !== null && v !== undefined && v !== '');
    case 'cmp': {
      const values = get(node.attr);
      if (node.op === 'ne') return !values.some((v) => compare(node.attr, 'eq', v, node.value));
      return values.some((v) => compare(node.attr, node.op, v, node.value));
    }
  }
}

function compare(attr: string, op: CompareOp, actual: unknown, expected: string | number | boolean | null): boolean {
  if (expected === null) return op === 'eq' ? actual === null || actual === undefined : false;
  if (actual === null || actual === undefined) return false;
  if (typeof actual === 'boolean') {
    const want = typeof expected === 'string' ? expected.toLowerCase() === 'true' : expected;
    return op === 'eq' ? actual === want : false;
  }
  if (typeof actual === 'number' && typeof expected === 'number') return ordered(op, actual, expected);
  const exact = CASE_EXACT.has(attr);
  const a = exact ? String(actual) : String(actual).toLowerCase();
  const e = exact ? String(expected) : String(expected).toLowerCase();
  switch (op) {
    case 'eq':
      return a === e;
    case 'co':
      return a.includes(e);
    case 'sw':
      return a.startsWith(e);
    case 'ew':
      return a.endsWith(e);
    default:
      return ordered(op, a, e);
  }
}

function ordered<T extends string | number>(op: CompareOp, a: T, e: T): boolean {
  switch (op) {
    case 'gt':
      return a > e;
    case 'ge':
      return a >= e;
    case 'lt':
      return a < e;
    case 'le':
      return a <= e;
    default:
      return a === e;
  }
}
