// The raft log seen by the core: persisted entries (Storage) + unstable entries not yet persisted.
import { invariant } from './assert.js';
import type { Entry, Storage } from './types.js';
import { entrySizeBytes } from './types.js';

export class RaftLog {
  /** Entries at index >= unstableOffset that the driver has not persisted yet. */
  private unstable: Entry[] = [];
  private unstableOffset: number;
  committed: number;
  applied: number;
  /** See durableIndex(): stable (handed to the driver) is not durable until it says so. */
  private durable: number;

  constructor(
    readonly storage: Storage,
    applied: number,
  ) {
    const hs = storage.initialState();
    this.unstableOffset = storage.lastIndex() + 1;
    this.durable = storage.lastIndex();
    this.committed = hs.commit;
    invariant(hs.commit <= storage.lastIndex(), `commit ${hs.commit} beyond persisted last index ${storage.lastIndex()}`);
    invariant(applied <= hs.commit, `applied ${applied} > committed ${hs.commit} at start`);
    this.applied = applied;
  }

  lastIndex(): number {
    return this.unstable.length > 0 ? this.unstableOffset + this.unstable.length - 1 : this.storage.lastIndex();
  }
  /** Highest index the driver reported durable (fsynced) for the entries now in the log. */
  durableIndex(): number {
    return this.durable;
  }
  /** The driver fsynced entries up to (index, term); ignored if that entry was since replaced. */
  durableTo(index: number, term: number): void {
    if (index > this.durable && this.termOrUndefined(index) === term) this.durable = index;
  }
  /** First index still held; entries before it were compacted. */
  firstIndex(): number {
    return this.storage.firstIndex();
  }
  lastTerm(): number {
    return this.term(this.lastIndex());
  }
  /** Term at `index`, or undefined beyond the end. */
  termOrUndefined(index: number): number | undefined {
    if (index === 0) return 0;
    if (index > this.lastIndex() || index < this.storage.firstIndex() - 1) return undefined;
    if (index >= this.unstableOffset) return this.unstable[index - this.unstableOffset]!.term;
    return this.storage.term(index);
  }
  term(index: number): number {
    const t = this.termOrUndefined(index);
    invariant(t !== undefined, `term of index ${index} beyond last ${this.lastIndex()}`);
    return t;
  }
  matchTerm(index: number, term: number): boolean {
    return this.termOrUndefined(index) === term;
  }
  /** Raft §5.4.1: is (lastIndex, lastTerm) of a candidate at least as up to date as ours. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  /** Entries in [lo, last], first one always, then up to maxBytes. */
  entriesFrom(lo: number, maxBytes: number): Entry[] {
    return this.slice(lo, this.lastIndex() + 1, maxBytes);
  }
  slice(lo: number, hi: number, maxBytes: number): Entry[] {
    invariant(lo >= this.storage.firstIndex() && hi <= this.lastIndex() + 1, `slice [${lo},${hi}) out of range (last ${this.lastIndex()})`);
    if (lo >= hi) return [];
    const out: Entry[] = [];
    let sizeBytes = 0;
    if (lo < this.unstableOffset) {
      const stored = this.storage.entries(lo, Math.min(hi, this.unstableOffset), maxBytes);
      for (const e of stored) {
        sizeBytes += entrySizeBytes(e);
        out.push(e);
      }
      // Storage stopped early on the byte limit: do not continue into unstable entries.
      if (out.length < Math.min(hi, this.unstableOffset) - lo) return out;
    }
    for (let i = Math.max(lo, this.unstableOffset); i < hi; i++) {
      const e = this.unstable[i - this.unstableOffset]!;
      const s = entrySizeBytes(e);
      if (out.length > 0 && sizeBytes + s > maxBytes) break;
      sizeBytes += s;
      out.push(e);
    }
    return out;
  }

  /** Leader append (entries already stamped with index/term). */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = entries[0]!.index;
    invariant(first > this.committed, `append at ${first} would overwrite committed ${this.committed}`);
    // Replaced entries are no longer durable, whatever the driver reported for their indices.
    if (first <= this.durable) this.durable = first - 1;
    if (first === this.unstableOffset + this.unstable.length) {
      this.unstable.push(...entries);
    } else if (first <= this.unstableOffset) {
      // Replaces persisted entries too: the driver's storage truncates its tail when it persists these.
      this.unstableOffset = first;
      this.unstable = [...entries];
    } else {
      this.unstable = this.unstable.slice(0, first - this.unstableOffset);
      this.unstable.push(...entries);
    }
  }

  /**
   * Follower append after a matching (prevIndex, prevTerm). Returns the last new index, or
   * undefined when the previous entry does not match.
   */
  maybeAppend(prevIndex: number, prevTerm: number, commit: number, entries: readonly Entry[]): number | undefined {
    if (!this.matchTerm(prevIndex, prevTerm)) return undefined;
    const lastNew = prevIndex + entries.length;
    // Find the first entry we do not already have with the same term (log matching: skip the rest).
    let conflictAt = -1;
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k]!;
      invariant(e.index === prevIndex + 1 + k, `append entries not contiguous at ${e.index}`);
      if (!this.matchTerm(e.index, e.term)) {
        conflictAt = k;
        break;
      }
    }
    if (conflictAt >= 0) {
      const e = entries[conflictAt]!;
      invariant(
        e.index > this.committed,
        `log matching: entry ${e.index} (term ${e.term}) conflicts with committed prefix up to ${this.committed}`,
      );
      this.append(entries.slice(conflictAt));
    }
    this.commitTo(Math.min(commit, lastNew));
    return lastNew;
  }

  /**
   * Largest index ≤ `index` whose term is ≤ `term`: where a log ending at (index, term) can
   * possibly match ours. Used by both sides of fast backtracking.
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    let i = Math.min(index, this.lastIndex());
    // Nothing before the compaction point can conflict: it is committed everywhere.
    const floor = this.storage.firstIndex() - 1;
    for (; i > floor; i--) {
      const t = this.term(i);
      if (t <= term) return { index: i, term: t };
    }
    return floor > 0 && i === floor ? { index: floor, term: this.term(floor) } : { index: 0, term: 0 };
  }

  commitTo(index: number): void {
    if (index <= this.committed) return;
    invariant(index <= this.lastIndex(), `commit ${index} beyond last index ${this.lastIndex()}`);
    this.committed = index;
  }

  appliedTo(index: number): void {
    if (index === 0) return;
    invariant(index <= this.committed, `applied ${index} > committed ${this.committed}`);
    invariant(index >= this.applied, `applied went back from ${this.applied} to ${index}`);
    this.applied = index;
  }

  unstableEntries(): Entry[] {
    return [...this.unstable];
  }
  hasUnstable(): boolean {
    return this.unstable.length > 0;
  }
  /** The driver persisted up to (index, term): drop them from the unstable part. */
  stableTo(index: number, term: number): void {
    if (index < this.unstableOffset) return;
    const t = this.unstable[index - this.unstableOffset]?.term;
    // A later append may have replaced them: then they are still unstable.
    if (t !== term) return;
    this.unstable = this.unstable.slice(index + 1 - this.unstableOffset);
    this.unstableOffset = index + 1;
  }

  hasNextCommitted(): boolean {
    return this.committed > this.applied;
  }
  nextCommitted(maxBytes: number): Entry[] {
    if (this.committed <= this.applied) return [];
    return this.slice(this.applied + 1, this.committed + 1, maxBytes);
  }
}
