// Per-follower replication progress and flow control (etcd's tracker/progress.go + inflights.go).
import { invariant } from './assert.js';

/**
 * probe: we do not know the follower's log end; send one append per heartbeat until it answers.
 * replicate: the follower is in sync; stream appends optimistically up to the inflight limits.
 */
export type ProgressState = 'probe' | 'replicate';

/** Sliding window of unacknowledged appends, bounded by count AND bytes. */
export class Inflights {
  private readonly lastIndices: number[] = [];
  private readonly sizesBytes: number[] = [];
  private totalBytes = 0;
  constructor(
    readonly maxMsgs: number,
    readonly maxBytes: number,
  ) {
    invariant(maxMsgs > 0, 'maxInflightMsgs must be > 0');
  }
  get count(): number {
    return this.lastIndices.length;
  }
  get bytes(): number {
    return this.totalBytes;
  }
  add(lastIndex: number, sizeBytes: number): void {
    invariant(!this.full(), 'inflights: add while full');
    const prev = this.lastIndices[this.lastIndices.length - 1];
    invariant(prev === undefined || lastIndex > prev, `inflights: index ${lastIndex} not increasing after ${prev}`);
    this.lastIndices.push(lastIndex);
    this.sizesBytes.push(sizeBytes);
    this.totalBytes += sizeBytes;
  }
  /** Frees every inflight append whose last index is ≤ `index` (acked). */
  freeLE(index: number): void {
    let n = 0;
    while (n < this.lastIndices.length && this.lastIndices[n]! <= index) {
      this.totalBytes -= this.sizesBytes[n]!;
      n++;
    }
    this.lastIndices.splice(0, n);
    this.sizesBytes.splice(0, n);
  }
  full(): boolean {
    return this.count >= this.maxMsgs || (this.maxBytes > 0 && this.totalBytes >= this.maxBytes);
  }
  reset(): void {
    this.lastIndices.length = 0;
    this.sizesBytes.length = 0;
    this.totalBytes = 0;
  }
}

export class Progress {
  match = 0;
  next: number;
  state: ProgressState = 'probe';
  /** Probe state: an append is outstanding; wait for its answer or the next heartbeat. */
  probeSent = false;
  /** Set when the entries this follower needs were compacted from the leader's log. */
  needsSnapshot = false;
  /** Heard from since the last CheckQuorum window (the leader itself is always active). */
  recentActive = false;
  readonly inflights: Inflights;
  /** Highest ReadIndex round this peer acknowledged (see read-only.ts). */
  ackedRound = 0;
  /** Match when the previous heartbeat left: detects replicate streams that stopped moving. */
  matchAtLastHeartbeat = 0;

  constructor(
    next: number,
    maxInflightMsgs: number,
    maxInflightBytes: number,
    readonly isLearner: boolean,
  ) {
    this.next = next;
    this.inflights = new Inflights(maxInflightMsgs, maxInflightBytes);
  }

  becomeProbe(): void {
    this.state = 'probe';
    this.probeSent = false;
    this.inflights.reset();
    this.next = this.match + 1;
  }
  becomeReplicate(): void {
    this.state = 'replicate';
    this.probeSent = false;
    this.inflights.reset();
    this.next = this.match + 1;
  }

  /** An ack for `index`; false if stale (nothing new). */
  maybeUpdate(index: number): boolean {
    let updated = false;
    if (this.match < index) {
      this.match = index;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, index + 1);
    return updated;
  }

  /** Optimistic send in replicate state: the follower will have up to `lastIndex`. */
  sentEntries(lastIndex: number, sizeBytes: number): void {
    if (this.state === 'replicate') {
      this.next = lastIndex + 1;
      this.inflights.add(lastIndex, sizeBytes);
    } else {
      this.probeSent = true;
    }
  }

  /**
   * A rejection of the append whose previous index was `rejected`. `probeIndex` is where the
   * follower's log may match (from the reject hint). Returns false when the rejection is stale.
   */
  maybeDecrTo(rejected: number, probeIndex: number): boolean {
    if (this.state === 'replicate') {
      // Old message: anything at or below match was already accepted.
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    // Probe state sends prev = next-1; a different one is an answer to an older probe.
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, probeIndex + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }

  isPaused(): boolean {
    return this.state === 'probe' ? this.probeSent : this.inflights.full();
  }
}
