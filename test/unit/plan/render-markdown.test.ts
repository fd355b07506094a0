import { marked, type Token, type Tokens } from 'marked';
import { describe, expect, it } from 'vitest';
import { computePlan } from '../../../src/plan/plan.js';
import { renderPlanMarkdown } from '../../../src/plan/render-markdown.js';
import { actual, CTX, desired, managed, policy, sg, state, su, tg, tu } from './fixtures.js';

/** A name an HR export may well contain, and markup that must stay text in a ticket. */
const HOSTILE_GIVEN = 'Eve | <img src=x onerror=alert(1)>';
const HOSTILE_FAMILY = '*Bold* [link](http://evil.example) `code` _x_';

function scenario(target = CTX.target) {
  const ann = su('ann');
  const bob = su('bob');
  return computePlan(
    desired([su('ann', { givenName: 'Anne' }), su('cat'), su('dan'), su('eve', { givenName: HOSTILE_GIVEN, familyName: HOSTILE_FAMILY })], {
      groups: [sg('Eng', ['ann', 'cat']), sg('Ops', ['dan'])],
      skipped: [{ entry: 'users.csv:12', reason: 'invalid email "nope|*x*"' }],
    }),
    actual([tu('ann'), tu('bob'), tu('dan'), tu('zed')], [tg('7', 'Eng', ['ann', 'bob']), tg('9', 'Old', [])]),
    state(managed(ann, bob), {
      eng: { targetId: '7', displayName: 'Eng', ownership: 'created' },
      old: { targetId: '9', displayName: 'Old', ownership: 'created' },
    }),
    policy({ safety: { maxDeletes: 0, maxDeletePercent: 100 } }),
    { ...CTX, target },
  );
}

/** What a reader sees of inline tokens: their text, with escapes resolved. */
function visible(tokens: readonly Token[] | undefined): string {
  return (tokens ?? []).map((t) => ('tokens' in t && t.tokens ? visible(t.tokens) : 'text' in t ? String(t.text) : t.raw)).join('');
}

function walk(tokens: readonly Token[], visit: (t: Token) => void): void {
  for (const t of tokens) {
    visit(t);
    if ('tokens' in t && t.tokens) walk(t.tokens, visit);
    if (t.type === 'list') walk((t as Tokens.List).items, visit);
    if (t.type === 'table') {
      const table = t as Tokens.Table;
      for (const cell of [...table.header, ...table.rows.flat()]) walk(cell.tokens, visit);
    }
  }
}

/** Top-level item texts of the list that follows the heading starting with `title`. */
function itemsUnder(tokens: readonly Token[], title: string): string[] {
  const at = tokens.findIndex((t) => t.type === 'heading' && (t as Tokens.Heading).text.startsWith(title));
  const list = tokens.slice(at + 1).find((t) => t.type === 'list' || t.type === 'heading');
  if (at < 0 || list?.type !== 'list') return [];
  return (list as Tokens.List).items.map((i) => visible(i.tokens.filter((t) => t.type !== 'list')).trim());
}

function tables(tokens: readonly Token[]): Tokens.Table[] {
  return tokens.filter((t): t is Tokens.Table => t.type === 'table');
}

describe('renderPlanMarkdown', () => {
  const tokens = marked.lexer(renderPlanMarkdown(scenario()));

  it('parses as counts first, then deletions, updates, creates, memberships, adoptions, skipped and untouched, then the basis', () => {
    const headings = tokens.filter((t): t is Tokens.Heading => t.type === 'heading').map((h) => [h.depth, h.text]);
    expect(headings).toEqual([
      [1, 'scimsync plan for https://scim.example/scim/1/'],
      [2, 'Blocked by the deletion guard'],
      [2, 'Deletions (2)'],
      [2, 'Updates (1)'],
      [2, 'Creates (3)'],
      [2, 'Memberships (1)'],
      [2, 'Adoptions (recorded in state only) (1)'],
      [2, 'Skipped source entries (1)'],
      [2, 'Left alone in the target'],
      [2, 'Basis'],
    ]);
    // The counts table comes before any section, deletions first.
    const counts = tables(tokens)[0]!;
    expect(tokens.indexOf(counts)).toBeLessThan(tokens.findIndex((t) => t.type === 'heading' && (t as Tokens.Heading).depth === 2));
    expect(counts.header.map((c) => c.text)).toEqual(['change', 'count']);
    const rows = Object.fromEntries(counts.rows.map((r) => [r[0]!.text, Number(r[1]!.text)]));
    expect(counts.rows[0]![0]!.text).toBe('users to delete');
    expect(rows).toMatchObject({
      'users to delete': 1,
      'groups to delete': 1,
      'users to update': 1,
      'users to create': 2,
      'groups to create': 1,
      'members to add': 2,
    });
  });

  it('lists each operation with its reason, and member changes as sub-items', () => {
    expect(itemsUnder(tokens, 'Deletions')).toEqual(['user bob@x.com: delete (left the source)', 'group Old: delete (left the source)']);
    expect(itemsUnder(tokens, 'Updates')).toEqual(['user ann@x.com: update "Ann Lee" → "Anne Lee"']);
    expect(itemsUnder(tokens, 'Skipped')).toEqual(['entry users.csv:12: invalid email "nope|*x*"']);
    expect(itemsUnder(tokens, 'Blocked')[0]).toMatch(/^The plan deletes 1 user, more than safety\.maxDeletes \(0\)/);
    const memberships = tokens.find(
      (t): t is Tokens.List => t.type === 'list' && (t as Tokens.List).items.some((i: Tokens.ListItem) => i.text.includes('**Eng**')),
    )!;
    const sub = memberships.items[0]!.tokens.find((t): t is Tokens.List => t.type === 'list')!;
    expect(sub.items.map((i) => i.text)).toEqual(['add cat@x.com']);
  });

  it('keeps names from the source as text: no HTML, hidden link, emphasis or broken table cell', () => {
    const kinds = new Set<string>();
    const links: Tokens.Link[] = [];
    walk(tokens, (t) => {
      kinds.add(t.type);
      if (t.type === 'link') links.push(t as Tokens.Link);
    });
    for (const markup of ['html', 'image', 'em', 'codespan', 'del']) expect(kinds, markup).not.toContain(markup);
    // GFM turns bare emails and URLs into links; a link whose text hides another target is what must not happen.
    for (const link of links) expect([link.text, `mailto:${link.text}`]).toContain(link.href);
    const eve = itemsUnder(tokens, 'Creates').find((i) => i.startsWith('user eve@x.com'));
    expect(eve).toBe(`user eve@x.com: create "${HOSTILE_GIVEN} ${HOSTILE_FAMILY}" (new in source)`);
    for (const table of tables(tokens)) for (const row of table.rows) expect(row).toHaveLength(2);
  });

  it('ends with the basis: target, time, config hash, state and snapshot hash', () => {
    const basis = tables(tokens).at(-1)!;
    expect(Object.fromEntries(basis.rows.map((r) => [r[0]!.text, visible(r[1]!.tokens)]))).toEqual({
      target: 'https://scim.example/scim/1/',
      'computed at': CTX.createdAt,
      'config hash': 'cfg',
      state: 'lin-1, serial 7',
      'target snapshot hash': 'act',
    });
  });

  it('never prints credentials carried in the target URL', () => {
    const md = renderPlanMarkdown(scenario('https://user:s3cret@scim.example/scim/1/?token=abc123'));
    expect(md).not.toContain('s3cret');
    expect(md).not.toContain('abc123');
    expect(visible((marked.lexer(md)[0] as Tokens.Heading).tokens)).toBe('scimsync plan for https://***@scim.example/scim/1/?***');
  });

  it('says there is nothing to change when nothing is', () => {
    const md = renderPlanMarkdown(computePlan(desired([su('ann')]), actual([tu('ann')]), state(managed(su('ann'))), policy(), CTX));
    const paragraphs = marked.lexer(md).filter((t): t is Tokens.Paragraph => t.type === 'paragraph');
    expect(paragraphs[0]!.text).toBe('No changes: the target matches the source.');
  });
});

describe('renderPlanMarkdown: held users', () => {
  it('a held user is a section of its own right after the guard, with its entry and the fix, before any change', () => {
    const ann = su('ann');
    const bob = su('bob');
    const fix = 'map it in source.statusValues: add "on leave" under active or inactive';
    const p = computePlan(
      desired([ann, su('cat')], {
        skipped: [{ entry: 'users.csv:3', reason: 'unknown status "On Leave"', email: 'bob@x.com', sourceId: 'id-bob', fix }],
        quarantined: ['bob@x.com'],
      }),
      actual([tu('ann'), tu('bob')]),
      state(managed(ann, bob)),
      policy(),
      CTX,
    );
    const heldTokens = marked.lexer(renderPlanMarkdown(p));
    const headings = heldTokens.filter((t): t is Tokens.Heading => t.type === 'heading').map((h) => h.text);
    expect(headings.indexOf('Held (1)')).toBe(1);
    expect(headings.indexOf('Held (1)')).toBeLessThan(headings.indexOf('Creates (1)'));
    expect(itemsUnder(heldTokens, 'Held')).toEqual([`bob@x.com: fix: ${fix}`]);
  });
});
