// A one-member group: proposals of one event-loop turn become one log entry, made durable by
// the WAL's group commit (one fdatasync), then applied. Restart replays the log from the
// state machine's applied index. The log is compacted below what RocksDB has flushed to SSTs.
import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import type { Reply } from '../resp/reply.js';
import type { StateMachine } from '../state-machine/state-machine.js';
import { encodeProposal, type ProposalOp } from '../state-machine/proposal.js';
import { assert } from '../util/assert.js';
import { Wal } from './log/wal.js';
import type { Entry } from './core/types.js';
import type { Replicator } from './replicator.js';

interface Pending {
  readonly ops: readonly ProposalOp[];
  resolve(replies: Reply[]): void;
  reject(e: Error): void;
}

export interface SingleNodeOptions {
  readonly dir: string;
  readonly segmentMaxBytes: number;
  /** Applied entries retained before the log is compacted. */
  compactEntries(): number;
  readonly logger: Logger;
  /** Called when the log cannot be made durable: the process must stop (no write may be acked). */
  onFatal(e: Error): void;
}

export class SingleNodeReplicator implements Replicator {
  private pending: Pending[] = [];
  private flushScheduled = false;
  private lastIndex: number;
  private lastTimeMs = 0;
  private compacting = false;
  private closed = false;
  /** Entries appended to the WAL but not yet applied, with the proposals waiting on them. */
  private readonly unapplied: { entry: Entry; batch: Pending[] }[] = [];
  private durableIndex = 0;
  private syncRunning = false;
  private applyRunning = false;
  private readonly idleWaiters: (() => void)[] = [];
  readonly isLeader = true;
  private readonly term = 1;

  private constructor(
    private readonly wal: Wal,
    private readonly sm: StateMachine,
    private readonly opts: SingleNodeOptions,
  ) {
    this.lastIndex = wal.lastIndex;
  }

  static async open(sm: StateMachine, opts: SingleNodeOptions): Promise<SingleNodeReplicator> {
    const wal = await Wal.open(opts.dir, { segmentMaxBytes: opts.segmentMaxBytes, logger: opts.logger });
    const r = new SingleNodeReplicator(wal, sm, opts);
    await r.replay();
    return r;
  }

  private async replay(): Promise<void> {
    const from = this.sm.appliedIndex + 1;
    assert(
      from >= this.wal.firstIndex || this.wal.lastIndex < this.wal.firstIndex,
      `the log starts at ${this.wal.firstIndex} but the state machine needs entries from ${from}`,
    );
    const entries = this.wal.entries(from, this.wal.lastIndex + 1);
    if (entries.length > 0) {
      this.opts.logger.info({ from, to: this.wal.lastIndex }, 'replaying log entries');
      const chunk = 1000;
      for (let i = 0; i < entries.length; i += chunk) await this.sm.apply(entries.slice(i, i + chunk));
    }
    const last = entries[entries.length - 1];
    if (last) this.lastTimeMs = last.timeMs;
    assert(this.sm.appliedIndex >= this.wal.lastIndex, 'replay ended before the end of the log');
    this.lastIndex = Math.max(this.wal.lastIndex, this.sm.appliedIndex);
    this.durableIndex = this.lastIndex;
  }

  propose(ops: readonly ProposalOp[]): Promise<Reply[]> {
    if (this.closed) return Promise.reject(new Error('replicator is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ ops, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  readBarrier(): Promise<void> {
    // One member: every acknowledged write is already applied locally.
    return Promise.resolve();
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    const ops = batch.flatMap((p) => p.ops);
    const nowMs = Math.max(Date.now(), this.lastTimeMs);
    this.lastTimeMs = nowMs;
    const entry: Entry = {
      term: this.term,
      index: ++this.lastIndex,
      type: 'normal',
      timeMs: nowMs,
      seed: randomInt(0, 2 ** 32),
      data: encodeProposal(ops),
    };
    this.wal.append([entry]);
    this.unapplied.push({ entry, batch });
    void this.syncLoop();
  };

  /**
   * Makes appended entries durable: one WAL sync covers everything appended before it started,
   * and entries appended during a sync are covered by the next one (group commit).
   */
  private async syncLoop(): Promise<void> {
    if (this.syncRunning) return;
    this.syncRunning = true;
    try {
      while (this.durableIndex < this.lastIndex) {
        const target = this.lastIndex;
        this.wal.setHardState({ term: this.term, vote: 1, commit: target });
        await this.wal.sync();
        this.durableIndex = target;
        void this.applyLoop();
      }
    } catch (e) {
      this.fail(e);
    } finally {
      this.syncRunning = false;
    }
  }

  /** Applies every durable entry in one state-machine batch, overlapping with the next sync. */
  private async applyLoop(): Promise<void> {
    if (this.applyRunning) return;
    this.applyRunning = true;
    try {
      while (this.unapplied.length > 0 && this.unapplied[0]!.entry.index <= this.durableIndex) {
        let n = 0;
        while (n < this.unapplied.length && this.unapplied[n]!.entry.index <= this.durableIndex) n++;
        const ready = this.unapplied.splice(0, n);
        const results = await this.sm.apply(ready.map((r) => r.entry));
        ready.forEach((r, i) => {
          const replies = results[i]!;
          let k = 0;
          for (const p of r.batch) {
            p.resolve(replies.slice(k, k + p.ops.length));
            k += p.ops.length;
          }
        });
        this.maybeCompact();
      }
    } catch (e) {
      this.fail(e);
    } finally {
      this.applyRunning = false;
      if (this.unapplied.length === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private fail(e: unknown): void {
    const error = e instanceof Error ? e : new Error(String(e));
    for (const r of this.unapplied.splice(0)) for (const p of r.batch) p.reject(error);
    this.opts.onFatal(error);
  }

  private maybeCompact(): void {
    const keep = this.opts.compactEntries();
    const applied = this.sm.appliedIndex;
    if (this.compacting || applied - this.wal.firstIndex < 2 * keep) return;
    this.compacting = true;
    // Entries may be dropped only once their effect is in SST files, not just RocksDB's own WAL.
    this.sm.store
      .flush()
      .then(() => this.wal.compact(applied - keep))
      .catch((e: unknown) => this.opts.logger.error({ err: e }, 'log compaction failed'))
      .finally(() => {
        this.compacting = false;
      });
  }

  info(): [string, string | number][] {
    return [
      ['role', 'leader'],
      ['node_id', 1],
      ['term', this.term],
      ['leader_id', 1],
      ['commit_index', this.sm.appliedIndex],
      ['applied_index', this.sm.appliedIndex],
      ['last_log_index', this.lastIndex],
      ['first_log_index', this.wal.firstIndex],
      ['members', 1],
    ];
  }

  async close(): Promise<void> {
    this.closed = true;
    // Let in-flight proposals finish: their clients are owed a reply.
    while (this.pending.length > 0 || this.flushScheduled) await new Promise((r) => setImmediate(r));
    if (this.unapplied.length > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
    await this.wal.close();
  }
}
