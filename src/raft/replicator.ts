// The seam between the server and replication: the server proposes write operations and asks
// for read barriers; how entries become durable and committed is the replicator's business.
import type { Reply } from '../resp/reply.js';
import type { ProposalOp } from '../state-machine/proposal.js';
import type { WatchedKeyRef } from './modification-tracker.js';

export interface LeaderInfo {
  readonly id: number;
  /** host:port Redis clients use to reach the leader. */
  readonly clientAddress: string;
}

/** What the leader does with commands its followers forward. */
export interface ForwardHandler {
  /** Runs a write. */
  execute(db: number, argv: Buffer[]): Promise<Reply>;
  /**
   * Runs a blocking command (BLPOP...) of client `clientId` of node `from` in this node's
   * blocked-client registry, until it is served, times out or `cancelled` aborts.
   */
  block(from: number, clientId: number, db: number, argv: Buffer[], cancelled: AbortSignal): Promise<Reply>;
  /** CLIENT UNBLOCK of such a client; `argv` is [TIMEOUT|ERROR]. Replies 1 if it was blocked here. */
  unblock(from: number, clientId: number, argv: Buffer[]): Promise<Reply>;
  /** A MULTI/EXEC transaction (server/transaction.ts encodes it): EXEC's reply. */
  transaction(argv: Buffer[]): Promise<Reply>;
}

export interface Replicator {
  /**
   * Resolves with one reply per op once the entry holding them is applied locally. Rejects with
   * NotLeaderError when nothing was proposed (definite) or OutcomeUnknownError (may still commit).
   */
  propose(ops: readonly ProposalOp[]): Promise<Reply[]>;
  /**
   * Like propose, on the leader, unless a watched key may have been modified since it was
   * watched: then nothing is proposed and it resolves with null (EXEC's nil).
   */
  proposeUnlessModified(ops: readonly ProposalOp[], watched: readonly WatchedKeyRef[]): Promise<Reply[] | null>;
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
  /**
   * Runs a blocking command of this node's client `clientId` on the leader, so clients of every
   * node wait in one queue. No deadline: it lasts until served, timed out or `cancelled` aborts.
   * Rejects like forward().
   */
  forwardBlocking(db: number, argv: Buffer[], clientId: number, cancelled: AbortSignal): Promise<Reply>;
  /** Runs a MULTI/EXEC transaction on the leader (argv as server/transaction.ts encodes it). */
  forwardTransaction(argv: Buffer[]): Promise<Reply>;
  /** CLIENT UNBLOCK of a client blocked through forwardBlocking; `argv` is [TIMEOUT|ERROR]. */
  forwardUnblock(clientId: number, argv: Buffer[]): Promise<Reply>;
  setForwardHandler(handler: ForwardHandler): void;
  /** Fields for INFO raft / RAFT.INFO. */
  info(): [string, string | number][];
  close(): Promise<void>;
}
