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
