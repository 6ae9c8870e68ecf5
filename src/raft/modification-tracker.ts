// WATCH on the leader. EXEC must fail if a watched key was modified after WATCH. The leader is the
// only proposer of its term, so it knows every write that will be ordered before a transaction it
// is about to propose: it records the keys each of its proposals may modify, with the proposal's
// log index (or as pending while queued), and checks a transaction's watched keys against them
// right before queueing it — check and queue in one synchronous step, so nothing slips between.
// A watch point older than what the leader can vouch for (its first own entry, or the floor after
// pruning) fails the transaction: a spurious abort, which clients must handle anyway, never a
// wrong commit. Pure: no clock, no I/O.
import { assert } from '../util/assert.js';

export interface KeyRef {
  readonly db: number;
  readonly key: Buffer;
}

/** What one proposal may modify: single keys, and whole databases (FLUSHDB, SWAPDB, FLUSHALL). */
export interface Modifications {
  readonly keys: readonly KeyRef[];
  readonly wholeDbs: readonly number[] | 'all';
}

/** A WATCHed key and the log index the client's view of the data was at when it watched it. */
export interface WatchedKeyRef extends KeyRef {
  readonly index: number;
}

const ALL = 'all';
const keyId = (r: KeyRef): string => `k${r.db}:${r.key.toString('latin1')}`;
const dbId = (db: number): string => `db${db}`;

export class ModificationTracker {
  /** Watch points before this index fail: this leader cannot tell what happened up to it. */
  private floor = Number.POSITIVE_INFINITY;
  private readonly lastModified = new Map<string, number>();
  private readonly pending = new Map<string, number>();
  /** Bumped on every leadership change: proposals queued before it no longer count. */
  private generation = 0;

  constructor(
    /** Recorded keys kept before everything is forgotten and the floor raised. */
    private readonly maxTrackedKeys = 100_000,
  ) {}

  /** This node became leader; its own entries start after `lastIndex` (its no-op included). */
  lead(lastIndex: number): void {
    this.generation++;
    this.lastModified.clear();
    this.pending.clear();
    this.floor = lastIndex;
  }

  /** Not leader any more: no transaction is proposed here, every check fails. */
  unlead(): void {
    this.generation++;
    this.lastModified.clear();
    this.pending.clear();
    this.floor = Number.POSITIVE_INFINITY;
  }

  /** A proposal was queued; returns the token to settle it with. */
  queued(m: Modifications): number {
    for (const id of ids(m)) this.pending.set(id, (this.pending.get(id) ?? 0) + 1);
    return this.generation;
  }

  /** A queued proposal got log index `index` (or `null`: it was dropped, never appended). */
  proposed(m: Modifications, index: number | null, token: number): void {
    if (token !== this.generation) return; // queued under an earlier leadership, already forgotten
    for (const id of ids(m)) {
      const n = this.pending.get(id);
      assert(n !== undefined && n > 0, `modification of ${id} settled without being queued`);
      if (n === 1) this.pending.delete(id);
      else this.pending.set(id, n - 1);
      if (index !== null) this.lastModified.set(id, Math.max(index, this.lastModified.get(id) ?? 0));
    }
    if (index !== null && this.lastModified.size > this.maxTrackedKeys) {
      // Forget everything: what was recorded is now below the floor, so old watches fail.
      this.lastModified.clear();
      this.floor = index;
    }
  }

  /** Whether any key may have been modified since it was watched (queued writes count). */
  modifiedSince(watched: readonly WatchedKeyRef[]): boolean {
    for (const w of watched) {
      if (w.index < this.floor) return true;
      for (const id of [ALL, dbId(w.db), keyId(w)]) {
        if ((this.pending.get(id) ?? 0) > 0) return true;
        if ((this.lastModified.get(id) ?? 0) > w.index) return true;
      }
    }
    return false;
  }
}

function ids(m: Modifications): string[] {
  const out = m.keys.map(keyId);
  if (m.wholeDbs === 'all') out.push(ALL);
  else for (const db of m.wholeDbs) out.push(dbId(db));
  return out;
}

/** One Modifications for several ops. */
export function mergeModifications(all: readonly Modifications[]): Modifications {
  if (all.length === 1) return all[0]!;
  const keys = all.flatMap((m) => m.keys);
  if (all.some((m) => m.wholeDbs === 'all')) return { keys, wholeDbs: 'all' };
  return { keys, wholeDbs: all.flatMap((m) => m.wholeDbs as readonly number[]) };
}
