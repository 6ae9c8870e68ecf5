// Types shared by the pure Raft core, the WAL (src/raft/log) and the node driver.
// Indices and terms are plain numbers: safe integers up to 2^53, far beyond any log we keep.

/** Why an entry is in the log. `normal` carries a state-machine command batch. */
export type EntryType = 'normal' | 'noop' | 'confChange';

export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly type: EntryType;
  /** Leader wall clock when proposed (never below the previous entry's): the state machine's "now". */
  readonly timeMs: number;
  /** Leader-chosen 32-bit seed: the state machine's only source of randomness. */
  readonly seed: number;
  readonly data: Uint8Array;
}

/** What must be durable before any message that depends on it is sent. */
export interface HardState {
  readonly term: number;
  /** Node id voted for in `term`, 0 = none. */
  readonly vote: number;
  readonly commit: number;
}

export const EMPTY_HARD_STATE: HardState = { term: 0, vote: 0, commit: 0 };

/** Per-node raft role. `preCandidate` runs the PreVote phase without bumping the term. */
export type Role = 'follower' | 'preCandidate' | 'candidate' | 'leader';

/** Leader, role: volatile state the driver may want to react to (INFO, redirects). */
export interface SoftState {
  readonly lead: number;
  readonly role: Role;
}

/**
 * Read-only view of what is durable: the WAL (or a test double) implements it.
 * Entries below `firstIndex()` were compacted away (their effect is in the state machine); the
 * term of `firstIndex() - 1` is still known, so a log may start anywhere. Snapshots will add a
 * snapshot view here for followers that need compacted entries.
 */
export interface Storage {
  initialState(): HardState;
  /** First index whose entry is held (1 when nothing was compacted). */
  firstIndex(): number;
  /** Last persisted index, 0 when empty. */
  lastIndex(): number;
  /** Term of `index` (0 for index 0), for firstIndex()-1 ≤ index ≤ lastIndex(); throws otherwise. */
  term(index: number): number;
  /** Entries in [lo, hi), at least one if lo < hi, then up to `maxBytes` total (entrySizeBytes). */
  entries(lo: number, hi: number, maxBytes: number): Entry[];
}

/** Who takes part: a clean seam for membership changes (joint consensus comes later). */
export interface ClusterConfig {
  readonly voters: ReadonlySet<number>;
  readonly learners: ReadonlySet<number>;
}

/** Approximate encoded size of an entry, for flow control. Fixed header estimate + payload. */
export function entrySizeBytes(e: Entry): number {
  return 40 + e.data.length;
}
