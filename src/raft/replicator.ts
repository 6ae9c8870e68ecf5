// The seam between the server and replication: the server proposes write operations and asks
// for read barriers; how entries become durable and committed is the replicator's business.
import type { Reply } from '../resp/reply.js';
import type { ProposalOp } from '../state-machine/proposal.js';

export interface LeaderInfo {
  readonly id: number;
  /** host:port Redis clients use to reach the leader. */
  readonly clientAddress: string;
}

/** Runs a client command forwarded by a follower (on the leader). */
export type ForwardHandler = (db: number, argv: Buffer[]) => Promise<Reply>;

export interface Replicator {
  /**
   * Resolves with one reply per op once the entry holding them is applied locally. Rejects with
   * NotLeaderError when nothing was proposed (definite) or OutcomeUnknownError (may still commit).
   */
  propose(ops: readonly ProposalOp[]): Promise<Reply[]>;
  /** Resolves when a read run now on the local state machine is linearizable (per read-consistency). */
  readBarrier(): Promise<void>;
  /** Whether this node may start proposals for clients (the leader). */
  readonly isLeader: boolean;
  /** The current leader as this node knows it, or null. */
  leader(): LeaderInfo | null;
  /**
   * Runs a client command on the leader and returns its reply. Rejects with NotLeaderError when
   * it certainly did not run, OutcomeUnknownError when it may have.
   */
  forward(db: number, argv: Buffer[]): Promise<Reply>;
  setForwardHandler(handler: ForwardHandler): void;
  /** Fields for INFO raft / RAFT.INFO. */
  info(): [string, string | number][];
  close(): Promise<void>;
}
