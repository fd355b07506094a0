/**
 * The desired users that exist once the plan is applied (matched, adopted or created), numbered 0…n-1.
 * The group diff compares 500,000 memberships against them: with numbers it marks members in two typed
 * arrays per run instead of building Maps and Sets of emails per group, and the member refs ({id} or
 * {createdBy}) are made only for the few members a plan adds.
 */
import type { OpKey, TargetRef } from './types.js';

export class PresentUsers {
  private readonly byEmail = new Map<string, number>();
  private readonly emails: string[] = [];
  /** Target id of user i, or undefined when this plan creates it. */
  private readonly ids: (string | undefined)[] = [];
  private readonly createdBy: (OpKey | undefined)[] = [];
  private readonly refs: (TargetRef | undefined)[] = [];
  /** By target id; left undefined while every id is the user's email (Amplitude): byEmail answers then. */
  private byId: Map<string, number> | undefined;
  private idsAreEmails = true;

  get size(): number {
    return this.emails.length;
  }

  /**
   * An existing target user. Emails and target ids are each unique among the matches (the matching holds a
   * duplicate email, and claims each target once), so every user is added once.
   */
  addExisting(email: string, id: string): void {
    this.push(email, id, undefined);
    if (this.idsAreEmails && id !== email) this.indexIds();
    this.byId?.set(id, this.emails.length - 1);
  }

  /** A user created by the operation `key` of this plan. */
  addCreated(email: string, key: OpKey): void {
    this.push(email, undefined, key);
  }

  indexOf(email: string): number | undefined {
    return this.byEmail.get(email);
  }

  /** The user whose target id is `id`, if it is present and not created by this plan. */
  indexOfId(id: string): number | undefined {
    if (this.byId !== undefined) return this.byId.get(id);
    const i = this.byEmail.get(id);
    return i !== undefined && this.ids[i] === id ? i : undefined;
  }

  email(i: number): string {
    return this.emails[i]!;
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

  private push(email: string, id: string | undefined, key: OpKey | undefined): void {
    this.byEmail.set(email, this.emails.length);
    this.emails.push(email);
    this.ids.push(id);
    this.createdBy.push(key);
    this.refs.push(undefined);
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
