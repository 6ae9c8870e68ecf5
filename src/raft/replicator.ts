// The seam between the server and replication: the server proposes write operations and asks
// for read barriers; how entries become durable and committed is the replicator's business.
import type { Reply } from '../resp/reply.js';
import type { ProposalOp } from '../state-machine/proposal.js';

export interface Replicator {
  /** Resolves with one reply per op once the entry holding them is applied locally. */
  propose(ops: readonly ProposalOp[]): Promise<Reply[]>;
  /** Resolves when a read run now on the local state machine is linearizable. */
  readBarrier(): Promise<void>;
  /** Whether this node may start proposals for clients (the leader). */
  readonly isLeader: boolean;
  /** Fields for INFO raft / RAFT.INFO. */
  info(): [string, string | number][];
  close(): Promise<void>;
}
