// Outcomes the replicator reports to the server, split by what a client may conclude.

/** Definite: the command was never proposed (this node is not the leader). */
export class NotLeaderError extends Error {
  constructor(readonly leaderId: number) {
    super(leaderId === 0 ? 'no leader' : `not the leader (leader is ${leaderId})`);
    this.name = 'NotLeaderError';
  }
}

/** Indeterminate: proposed (or forwarded) and the outcome is unknown; it may still commit. */
export class OutcomeUnknownError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'OutcomeUnknownError';
  }
}

/** A read barrier could not be confirmed in time (reads have no effect: retrying is safe). */
export class ReadNotConfirmedError extends Error {
  constructor(readonly leaderKnown: boolean) {
    super(leaderKnown ? 'read index not confirmed in time' : 'no leader');
    this.name = 'ReadNotConfirmedError';
  }
}

/** Definite: the replicator is closing (server shutdown); nothing was proposed. */
export class ShuttingDownError extends Error {
  constructor() {
    super('this node is shutting down');
    this.name = 'ShuttingDownError';
  }
}
