// The RaftNode API surface: configuration, proposals, Ready and status (etcd's RawNode shapes).
import type { Message } from './messages.js';
import type { ProgressState } from './progress.js';
import type { Rng } from './rng.js';
import type { Entry, EntryType, HardState, Role, SoftState, Storage } from './types.js';

/** How ReadIndex confirms leadership. */
export type ReadOnlyOption = 'safe' | 'leaseBased';

export interface RaftConfig {
  readonly id: number;
  /** Voter ids, including `id` if this node votes. */
  readonly peers: readonly number[];
  readonly learners: readonly number[];
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly maxInflightMsgs: number;
  /** 0 = no byte limit. */
  readonly maxInflightBytes: number;
  readonly maxSizePerMsgBytes: number;
  readonly rng: Rng;
  readonly storage: Storage;
  /** Index the state machine has already applied (from its durable state). */
  readonly applied: number;
  /** Defaults to 'safe'. 'leaseBased' requires checkQuorum. */
  readonly readOnlyOption?: ReadOnlyOption;
  /** Upper bound on the bytes of committedEntries returned by one ready(). Default 64 MiB. */
  readonly maxCommittedBytesPerReady?: number;
}

export interface Proposal {
  readonly type: EntryType;
  readonly timeMs: number;
  readonly seed: number;
  readonly data: Uint8Array;
}

export type ProposeResult =
  | { readonly ok: true; readonly firstIndex: number; readonly lastIndex: number; readonly term: number }
  | { readonly ok: false; readonly error: 'notLeader' | 'transferring'; readonly lead: number };

export type RequestResult = { readonly ok: true } | { readonly ok: false; readonly error: 'noLeader' | 'notLeader' | 'tooManyReads' };

export interface ReadState {
  readonly index: number;
  readonly ctx: string;
}

export interface Ready {
  readonly softState?: SoftState;
  readonly hardState?: HardState;
  /**
   * Persist these (truncating any conflicting persisted tail) before sending messages — except
   * on a leader, whose messages may leave first: it counts itself toward commit only after
   * advance() reports its entries persisted.
   */
  readonly entries: readonly Entry[];
  readonly messages: readonly Message[];
  /** Apply these, after persisting `entries`. */
  readonly committedEntries: readonly Entry[];
  readonly readStates: readonly ReadState[];
}

export interface ProgressStatus {
  readonly match: number;
  readonly next: number;
  readonly state: ProgressState;
  readonly recentActive: boolean;
  readonly inflightMsgs: number;
  readonly inflightBytes: number;
  readonly isLearner: boolean;
  /** The follower is behind this log's compaction point (it needs a snapshot). */
  readonly needsSnapshot: boolean;
}

export interface RaftStatus {
  readonly id: number;
  readonly role: Role;
  readonly term: number;
  readonly vote: number;
  readonly lead: number;
  readonly commit: number;
  readonly applied: number;
  readonly lastIndex: number;
  readonly leadTransferee: number;
  readonly progress: ReadonlyMap<number, ProgressStatus>;
}
