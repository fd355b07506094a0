/**
 * The desired users that exist once the plan is applied (matched, adopted or created), by number: the
 * number is the user's place among the active desired users the matching paired (the candidates), so the
 * email index the matching built is used as it is, not copied into a second 100,000-entry Map. A candidate
 * the matching held is never added, and is not present. The group diff compares 500,000 memberships against
 * these numbers: it marks members in two typed arrays per run instead of building Maps and Sets of emails
 * per group, and the member refs ({id} or {createdBy}) are made only for the few members a plan adds.
 */
import type { OpKey, TargetRef } from './types.js';

/** What candidate i is: not added (held), an existing target user, or created by this plan. */
const ABSENT = 0;
const EXISTING = 1;
const CREATED = 2;

export class PresentUsers {
  /** Target id of user i, or undefined when this plan creates it (or it is not present). */
  private readonly ids: (string | undefined)[];
  private readonly createdBy: (OpKey | undefined)[];
  private readonly refs: (TargetRef | undefined)[];
  /** ABSENT, EXISTING or CREATED, by number: a small typed array the 500,000 member lookups read. */
  private readonly kind: Uint8Array;
  /** By target id; left undefined while every id is the user's email (Amplitude): byEmail answers then. */
  private byId: Map<string, number> | undefined;
  private idsAreEmails = true;

  /**
   * `users`: the candidates; `byEmail`: each candidate's number by email. Emails are unique among them, and
   * target ids among those added (the matching claims each target once).
   */
  constructor(
    private readonly users: readonly { readonly email: string }[],
    private readonly byEmail: ReadonlyMap<string, number>,
  ) {
    const n = users.length;
    this.ids = new Array<string | undefined>(n).fill(undefined);
    this.createdBy = new Array<OpKey | undefined>(n).fill(undefined);
    this.refs = new Array<TargetRef | undefined>(n).fill(undefined);
    this.kind = new Uint8Array(n);
  }

  /** Numbers run 0…size-1 (some may not be present): the length of arrays indexed by them. */
  get size(): number {
    return this.users.length;
  }

  /** Candidate i is an existing target user. */
  addExisting(i: number, id: string): void {
    this.ids[i] = id;
    this.kind[i] = EXISTING;
    if (this.idsAreEmails && id !== this.users[i]!.email) this.indexIds();
    this.byId?.set(id, i);
  }

  /** Candidate i is created by the operation `key` of this plan. */
  addCreated(i: number, key: OpKey): void {
    this.createdBy[i] = key;
    this.kind[i] = CREATED;
  }

  indexOf(email: string): number | undefined {
    const i = this.byEmail.get(email);
    return i !== undefined && this.kind[i] !== ABSENT ? i : undefined;
  }

  /** The user whose target id is `id`, if it is present and not created by this plan. */
  indexOfId(id: string): number | undefined {
    if (this.byId !== undefined) return this.byId.get(id);
    // Every id so far is its user's email, the key byEmail just matched: an existing user there is the answer.
    const i = this.byEmail.get(id);
    return i !== undefined && this.kind[i] === EXISTING ? i : undefined;
  }

  email(i: number): string {
    return this.users[i]!.email;
  }

  /** The member ref of user i, made once and shared by every group that adds it. */
  ref(i: number): TargetRef {
    let ref = this.refs[i];
    if (ref === undefined) {
      const id = this.ids[i];
      ref = id !== undefined ? { id } : { createdBy: this.createdBy[i]! };
      this.refs[i] = ref;
    }
    return ref;
  }

  /** The first id that is not its user's email: from now on ids are looked up in their own Map. */
  private indexIds(): void {
    this.idsAreEmails = false;
    const byId = new Map<string, number>();
    for (let i = 0; i < this.ids.length; i++) {
      const id = this.ids[i];
      if (id !== undefined) byId.set(id, i);
    }
    this.byId = byId;
  }
}
