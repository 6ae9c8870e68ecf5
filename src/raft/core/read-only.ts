// ReadIndex bookkeeping on the leader (Raft thesis §6.4).
//
// A read is answered at `index` (the leader's commit when the read arrived) once the leader has
// proved it was still leader AFTER the read arrived: a quorum acknowledged a heartbeat round sent
// after that moment. Rounds are numbered; a read registered while round r is the next to be sent
// is confirmed by acks of any round ≥ r. All reads pending when a round leaves share it.
import { invariant } from './assert.js';

export interface PendingRead {
  readonly ctx: string;
  /** Requesting node (the leader itself for local reads). */
  readonly from: number;
  readonly index: number;
  readonly round: number;
}

/** Upper bound on queued reads; beyond it readIndex is refused (explicit limits). */
export const MAX_PENDING_READS = 100_000;

export class ReadOnly {
  private pending: PendingRead[] = [];
  /** Round number the next broadcast carries; reads registered now need an ack of this round. */
  nextRound = 1;
  /** A registered read is waiting for a round that has not been sent yet. */
  roundNeeded = false;

  get size(): number {
    return this.pending.length;
  }

  add(ctx: string, from: number, index: number): void {
    invariant(this.pending.length < MAX_PENDING_READS, 'too many pending reads');
    this.pending.push({ ctx, from, index, round: this.nextRound });
    this.roundNeeded = true;
  }

  /** Called when a heartbeat broadcast leaves: returns the round number it carries. */
  startRound(): number {
    const r = this.nextRound;
    this.nextRound++;
    this.roundNeeded = false;
    return r;
  }

  /** The newest round that has left (0 = none). */
  get lastSentRound(): number {
    return this.nextRound - 1;
  }

  /** Removes and returns the reads whose round ≤ `confirmedRound` (in arrival order). */
  release(confirmedRound: number): PendingRead[] {
    let n = 0;
    while (n < this.pending.length && this.pending[n]!.round <= confirmedRound) n++;
    return this.pending.splice(0, n);
  }

  reset(): void {
    this.pending = [];
    this.roundNeeded = false;
  }
}
