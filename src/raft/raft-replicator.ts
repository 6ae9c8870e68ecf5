// The node driver: runs the pure Raft core against real time, the WAL, the gRPC transport and
// the state machine (etcd's raftexample loop). One Ready at a time: persist entries and hard
// state with one fdatasync, then send messages, then hand committed entries to the apply loop,
// which overlaps with the next fsync. A one-member cluster runs the same code without transport.
import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { err, type Reply } from '../resp/reply.js';
import { decodeReplyBinary, encodeReplyBinary } from '../resp/reply-codec.js';
import type { StateMachine } from '../state-machine/state-machine.js';
import { decodeProposal, encodeProposal, type ProposalOp } from '../state-machine/proposal.js';
import { assert } from '../util/assert.js';
import { Mulberry32, RaftNode, type Entry, type Message, type Ready, type Role, type SoftState } from './core/index.js';
import { NotLeaderError, OutcomeUnknownError, ReadNotConfirmedError, ShuttingDownError } from './errors.js';
import { Wal } from './log/wal.js';
import { mergeModifications, ModificationTracker, type Modifications, type WatchedKeyRef } from './modification-tracker.js';
import { decodeMessage, encodeMessage } from './message-codec.js';
import type { PeerAddress } from './peers.js';
import type { ForwardHandler, LeaderInfo, Replicator } from './replicator.js';
import { GrpcTransport, type ForwardCallOptions, type ForwardedCommand, type ForwardKind } from './transport/index.js';
import { WalStorage } from './wal-storage.js';

export type ReadConsistency = 'linearizable' | 'lease' | 'stale';

export interface RaftReplicatorOptions {
  readonly nodeId: number;
  /** Every member, this node included. */
  readonly members: readonly PeerAddress[];
  readonly clusterId: number;
  /** Where the Raft transport listens (unused for a one-member cluster). */
  readonly raftListenHost: string;
  readonly raftListenPort: number;
  readonly dir: string;
  readonly segmentMaxBytes: number;
  /** Applied entries retained before the log is compacted. */
  compactEntries(): number;
  readonly tickMs: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly readConsistency: ReadConsistency;
  /** How long a proposal, forward or read barrier may wait before its outcome is reported unknown. */
  requestTimeoutMs(): number;
  /** What a proposal op may modify (keys, whole databases), for WATCH. */
  modificationsOf(op: ProposalOp): Modifications;
  /** The wall clock stamped on proposals (Date.now() plus the test-only debug-clock-offset-ms). */
  wallClockMs(): number;
  readonly logger: Logger;
  /** Called when the log cannot be made durable: the process must stop (no write may be acked). */
  onFatal(e: Error): void;
}

interface Pending {
  readonly ops: readonly ProposalOp[];
  /** What the ops may modify, for WATCH, and the tracker's token for them. */
  readonly modifications: Modifications;
  readonly trackerToken: number;
  readonly deadlineMs: number;
  settled: boolean;
  resolve(replies: Reply[]): void;
  reject(e: Error): void;
}

/** Proposals of one event-loop turn, waiting for their entry to apply. */
interface Waiting {
  readonly term: number;
  readonly batch: Pending[];
}

/** Reads of one event-loop turn share one ReadIndex request (ctx). */
interface ReadRound {
  readonly ctx: string;
  readonly waiters: { resolve(): void; reject(e: Error): void; deadlineMs: number }[];
  sentAtMs: number;
  /** Set when the ReadIndex answer arrived: resolve once applied ≥ index. */
  index: number | null;
}

const APPLY_CHUNK_ENTRIES = 1000;
/** What forwardToLeader sends; the transport adds the identity fields. */
interface ForwardRequestParts {
  db: number;
  argv: Buffer[];
  kind?: ForwardKind;
  clientId?: number;
}

/** A follower's forwarded write waiting for this turn's batch. */
interface QueuedForward {
  readonly db: number;
  readonly argv: Buffer[];
  resolve(reply: Reply): void;
  reject(e: Error): void;
}

/** Forward reply framing: a definite "not the leader" answer vs a reply. */
const FORWARD_REPLY = 0;
const FORWARD_NOT_LEADER = 1;

/** One forwarded command's answer as a Reply; NotLeaderError when it certainly did not run. */
function decodeForwardFrame(frame: Uint8Array): Reply {
  const b = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  if (b[0] === FORWARD_NOT_LEADER) throw new NotLeaderError(b.readUInt32LE(1));
  try {
    return decodeReplyBinary(b.subarray(1));
  } catch (e) {
    throw new OutcomeUnknownError(`undecodable reply from the leader: ${(e as Error).message}`);
  }
}

/** A batch's answer: each command's frame, length-prefixed (u32 LE), behind a FORWARD_REPLY byte. */
function joinFrames(frames: readonly Uint8Array[]): Uint8Array {
  const parts: Buffer[] = [Buffer.from([FORWARD_REPLY])];
  for (const f of frames) {
    const len = Buffer.alloc(4);
    len.writeUInt32LE(f.byteLength, 0);
    parts.push(len, Buffer.from(f.buffer, f.byteOffset, f.byteLength));
  }
  return Buffer.concat(parts);
}

function splitFrames(bytes: Uint8Array, count: number): Uint8Array[] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b[0] !== FORWARD_REPLY) throw new Error(`batch answer starts with ${b[0]}`);
  const frames: Uint8Array[] = [];
  let o = 1;
  while (o < b.length) {
    if (o + 4 > b.length) throw new Error('batch answer is truncated');
    const len = b.readUInt32LE(o);
    o += 4;
    if (o + len > b.length) throw new Error('batch answer is truncated');
    frames.push(b.subarray(o, o + len));
    o += len;
  }
  if (frames.length !== count) throw new Error(`batch of ${count} answered ${frames.length} times`);
  return frames;
}

export class RaftReplicator implements Replicator {
  private readonly node: RaftNode;
  private transport: GrpcTransport | null = null;
  private readonly peersById: Map<number, PeerAddress>;
  private queued: Pending[] = [];
  private forwardQueue: QueuedForward[] = [];
  /** The keys this leader's proposals modify, for WATCH (modification-tracker.ts). */
  private readonly tracker = new ModificationTracker();
  private flushScheduled = false;
  private readonly waiting = new Map<number, Waiting>();
  private readRound: ReadRound | null = null;
  private readonly sentReads = new Map<string, ReadRound>();
  private readonly confirmedReads: ReadRound[] = [];
  private readSeq = 0;
  private readonly applyQueue: Entry[] = [];
  private applyRunning = false;
  private readyRunning = false;
  private readyAgain = false;
  private kickScheduled = false;
  private tickTimer: NodeJS.Timeout | null = null;
  private role: Role = 'follower';
  private lead = 0;
  /** Index of this leader's first entry (its no-op): local reads are current once it is applied. */
  private leaderSinceIndex = Number.POSITIVE_INFINITY;
  private lastTimeMs = 0;
  private compacting = false;
  private closed = false;
  /** close() started: no new proposals; those already made may finish. */
  private closing = false;
  private fatal: Error | null = null;
  private forwardHandler: ForwardHandler | null = null;
  private readonly idleWaiters: (() => void)[] = [];

  private constructor(
    private readonly wal: Wal,
    private readonly sm: StateMachine,
    private readonly o: RaftReplicatorOptions,
  ) {
    this.peersById = new Map(o.members.map((m) => [m.id, m]));
    assert(this.peersById.has(o.nodeId), `raft-node-id ${o.nodeId} is not among the members`);
    for (const e of wal.entries(wal.firstIndex, wal.lastIndex + 1)) this.lastTimeMs = Math.max(this.lastTimeMs, e.timeMs);
    this.node = new RaftNode({
      id: o.nodeId,
      peers: o.members.map((m) => m.id),
      learners: [],
      electionTicks: o.electionTicks,
      heartbeatTicks: o.heartbeatTicks,
      preVote: true,
      checkQuorum: true,
      maxInflightMsgs: 256,
      maxInflightBytes: 32 * 1024 * 1024,
      maxSizePerMsgBytes: 1024 * 1024,
      rng: new Mulberry32(randomInt(0, 2 ** 32)),
      storage: new WalStorage(wal),
      applied: Math.min(sm.appliedIndex, wal.hardState.commit),
      readOnlyOption: o.readConsistency === 'lease' ? 'leaseBased' : 'safe',
    });
  }

  static async open(sm: StateMachine, o: RaftReplicatorOptions): Promise<RaftReplicator> {
    const wal = await Wal.open(o.dir, { segmentMaxBytes: o.segmentMaxBytes, logger: o.logger });
    assert(
      sm.appliedIndex >= wal.firstIndex - 1,
      `the log starts at ${wal.firstIndex} but the state machine has applied only ${sm.appliedIndex}`,
    );
    const r = new RaftReplicator(wal, sm, o);
    if (o.members.length > 1) {
      r.transport = await GrpcTransport.start(
        {
          nodeId: o.nodeId,
          clusterId: o.clusterId,
          listenHost: o.raftListenHost,
          listenPort: o.raftListenPort,
          peers: new Map(o.members.filter((m) => m.id !== o.nodeId).map((m) => [m.id, m.raftAddress])),
          logger: o.logger,
        },
        {
          onMessages: (from, msgs) => r.onMessages(from, msgs),
          onForward: (req) => r.onForward(req),
          // Messages to it may be lost: replicate from what it really has instead of waiting.
          onUnreachable: (peer) => r.node.reportUnreachable(peer),
        },
      );
    }
    r.tickTimer = setInterval(() => r.tick(), o.tickMs);
    // A lone member need not wait an election timeout to lead: nobody else can.
    if (o.members.length === 1) r.node.campaign();
    r.kick();
    await r.caughtUp();
    return r;
  }

  /** For a one-member cluster: resolves once the log replayed into the state machine. */
  private async caughtUp(): Promise<void> {
    if (this.o.members.length > 1) return;
    const target = this.wal.hardState.commit;
    while (this.sm.appliedIndex < target && this.fatal === null) await new Promise((r) => setTimeout(r, 1));
    if (this.fatal) throw this.fatal;
  }

  get raftPort(): number {
    return this.transport?.port ?? 0;
  }

  get isLeader(): boolean {
    return this.role === 'leader';
  }

  leader(): LeaderInfo | null {
    if (this.lead === 0) return null;
    const p = this.peersById.get(this.lead);
    return p ? { id: p.id, clientAddress: p.clientAddress } : null;
  }

  setForwardHandler(handler: ForwardHandler): void {
    this.forwardHandler = handler;
  }

  // ------------------------------------------------------------------ writes

  proposeUnlessModified(ops: readonly ProposalOp[], watched: readonly WatchedKeyRef[]): Promise<Reply[] | null> {
    if (this.closed || this.closing) return Promise.reject(new ShuttingDownError());
    if (this.role !== 'leader') return Promise.reject(new NotLeaderError(this.lead));
    // Checked and queued in one synchronous step: no proposal can come between.
    if (this.tracker.modifiedSince(watched)) return Promise.resolve(null);
    return this.propose(ops);
  }

  propose(ops: readonly ProposalOp[]): Promise<Reply[]> {
    if (this.closed || this.closing) return Promise.reject(new ShuttingDownError());
    if (this.role !== 'leader') return Promise.reject(new NotLeaderError(this.lead));
    const modifications = mergeModifications(ops.map((op) => this.o.modificationsOf(op)));
    const trackerToken = this.tracker.queued(modifications);
    return new Promise((resolve, reject) => {
      this.queued.push({ ops, modifications, trackerToken, resolve, reject, settled: false, deadlineMs: Date.now() + this.o.requestTimeoutMs() });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  /** Proposes everything queued in this turn as one entry. */
  private readonly flush = (): void => {
    this.flushScheduled = false;
    const batch = this.queued;
    if (batch.length === 0) return;
    this.queued = [];
    const nowMs = Math.max(this.o.wallClockMs(), this.lastTimeMs);
    this.lastTimeMs = nowMs;
    const res = this.node.propose([
      { type: 'normal', timeMs: nowMs, seed: randomInt(0, 2 ** 32), data: encodeProposal(batch.flatMap((p) => p.ops)) },
    ]);
    for (const p of batch) this.tracker.proposed(p.modifications, res.ok ? res.lastIndex : null, p.trackerToken);
    if (!res.ok) {
      for (const p of batch) settle(p, () => p.reject(new NotLeaderError(res.lead)));
      return;
    }
    assert(res.firstIndex === res.lastIndex, 'one proposal is one entry');
    this.waiting.set(res.lastIndex, { term: res.term, batch });
    this.kick();
  };

  // ------------------------------------------------------------------ reads

  readBarrier(): Promise<void> {
    if (this.o.readConsistency === 'stale') return Promise.resolve();
    if (this.fatal) return Promise.reject(this.fatal);
    // A lone leader whose own no-op is applied has every committed write applied locally.
    if (this.o.members.length === 1 && this.role === 'leader' && this.sm.appliedIndex >= this.leaderSinceIndex) {
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      if (this.readRound === null) {
        this.readRound = { ctx: '', waiters: [], sentAtMs: 0, index: null };
        setImmediate(() => this.sendReadRound());
      }
      this.readRound.waiters.push({ resolve, reject, deadlineMs: Date.now() + this.o.requestTimeoutMs() });
    });
  }

  private sendReadRound(): void {
    const round = this.readRound;
    if (round === null) return;
    this.readRound = null;
    this.requestReadIndex(round);
  }

  private requestReadIndex(round: ReadRound): void {
    const ctx = `${this.o.nodeId}:${++this.readSeq}`;
    const r: ReadRound = { ctx, waiters: round.waiters, sentAtMs: Date.now(), index: null };
    const res = this.node.readIndex(ctx);
    if (!res.ok) {
      // Not sent: retried on the next tick until the deadline (a leader may appear meanwhile).
      r.sentAtMs = 0;
    }
    this.sentReads.set(ctx, r);
    this.kick();
  }

  /** Reads whose index was confirmed: release those the state machine has caught up with. */
  private releaseReads(): void {
    const applied = this.sm.appliedIndex;
    for (let i = 0; i < this.confirmedReads.length; ) {
      const r = this.confirmedReads[i]!;
      if (r.index !== null && r.index <= applied) {
        for (const w of r.waiters) w.resolve();
        this.confirmedReads.splice(i, 1);
      } else i++;
    }
  }

  // ------------------------------------------------------------------ forwarding

  /**
   * Writes forwarded in one event-loop turn travel together: one Forward call of kind BATCH (one
   * gRPC call instead of one per command), answered per command; the leader proposes them
   * together, as it does its own clients' writes of one turn.
   */
  forward(db: number, argv: Buffer[]): Promise<Reply> {
    return new Promise((resolve, reject) => {
      this.forwardQueue.push({ db, argv, resolve, reject });
      if (this.forwardQueue.length === 1) setImmediate(() => this.flushForwards());
    });
  }

  private flushForwards(): void {
    const batch = this.forwardQueue;
    this.forwardQueue = [];
    if (batch.length === 1) {
      const one = batch[0]!;
      this.forwardToLeader({ db: one.db, argv: one.argv }, this.o.requestTimeoutMs()).then(one.resolve, one.reject);
      return;
    }
    const argv = batch.map((c) => encodeProposal([{ kind: 'command', db: c.db, argv: c.argv }]));
    this.callLeader({ db: 0, argv, kind: 'batch' }, this.o.requestTimeoutMs()).then(
      (bytes) => {
        let frames: Uint8Array[];
        try {
          frames = splitFrames(bytes, batch.length);
        } catch (e) {
          const unknown = new OutcomeUnknownError(`undecodable batch reply from the leader: ${(e as Error).message}`);
          for (const c of batch) c.reject(unknown);
          return;
        }
        batch.forEach((c, i) => {
          try {
            c.resolve(decodeForwardFrame(frames[i]!));
          } catch (e) {
            c.reject(e as Error);
          }
        });
      },
      (e: unknown) => {
        for (const c of batch) c.reject(e as Error);
      },
    );
  }

  forwardBlocking(db: number, argv: Buffer[], clientId: number, cancelled: AbortSignal): Promise<Reply> {
    return this.forwardToLeader({ db, argv, kind: 'block', clientId }, this.o.requestTimeoutMs(), { unbounded: true, signal: cancelled });
  }

  forwardTransaction(argv: Buffer[]): Promise<Reply> {
    return this.forwardToLeader({ db: 0, argv, kind: 'transaction' }, this.o.requestTimeoutMs());
  }

  forwardUnblock(clientId: number, argv: Buffer[]): Promise<Reply> {
    return this.forwardToLeader({ db: 0, argv, kind: 'unblock', clientId }, this.o.requestTimeoutMs());
  }

  private async forwardToLeader(req: ForwardRequestParts, timeoutMs: number, call: ForwardCallOptions = {}): Promise<Reply> {
    return decodeForwardFrame(await this.callLeader(req, timeoutMs, call));
  }

  /** One Forward call to the leader; its raw answer. Rejects NotLeaderError (definite) or OutcomeUnknownError. */
  private async callLeader(req: ForwardRequestParts, timeoutMs: number, call: ForwardCallOptions = {}): Promise<Uint8Array> {
    if (this.closed || this.closing) throw new ShuttingDownError();
    if (this.lead === 0 || this.transport === null) throw new NotLeaderError(0);
    if (this.lead === this.o.nodeId) throw new NotLeaderError(this.lead);
    let bytes: Uint8Array;
    try {
      bytes = await this.transport.forward(this.lead, req, timeoutMs, call);
    } catch (e) {
      const definite = (e as { definite?: boolean }).definite === true;
      if (definite) throw new NotLeaderError(0);
      throw new OutcomeUnknownError(`forward to the leader failed: ${(e as Error).message}`);
    }
    // A whole call refused by a node that does not lead: nothing in it ran.
    if (bytes[0] === FORWARD_NOT_LEADER) decodeForwardFrame(bytes);
    return bytes;
  }

  private async onForward(req: ForwardedCommand): Promise<Uint8Array> {
    if (this.role !== 'leader' || this.forwardHandler === null) return this.notLeaderFrame();
    if (req.kind === 'batch') {
      // Started in one turn, so the leader proposes them in one entry; answered per command.
      const frames = await Promise.all(
        req.argv.map((encoded) => {
          const ops = decodeProposal(encoded);
          const op = ops[0];
          assert(ops.length === 1 && op !== undefined && op.kind === 'command', 'a forwarded batch holds one command per argument');
          return this.forwardFrame((h) => h.execute(op.db, [...op.argv]));
        }),
      );
      return joinFrames(frames);
    }
    return this.forwardFrame((h) => {
      switch (req.kind) {
        case 'execute':
          return h.execute(req.db, req.argv);
        case 'block':
          return h.block(req.from, req.clientId, req.db, req.argv, req.cancelled);
        case 'unblock':
          return h.unblock(req.from, req.clientId, req.argv);
        case 'transaction':
          return h.transaction(req.argv);
        case 'batch':
          throw new Error('invariant violated: a batch is answered per command above');
      }
    });
  }

  private notLeaderFrame(): Uint8Array {
    const b = Buffer.alloc(5);
    b[0] = FORWARD_NOT_LEADER;
    b.writeUInt32LE(this.lead === this.o.nodeId ? 0 : this.lead, 1);
    return b;
  }

  /** Runs one forwarded command and frames its outcome: a reply, or "not the leader" (did not run). */
  private async forwardFrame(run: (h: ForwardHandler) => Promise<Reply>): Promise<Uint8Array> {
    const h = this.forwardHandler;
    if (this.role !== 'leader' || h === null) return this.notLeaderFrame();
    let reply: Reply;
    try {
      reply = await run(h);
    } catch (e) {
      // Both mean "not run here": the follower may retry on whoever leads next.
      if (e instanceof NotLeaderError || e instanceof ShuttingDownError) return this.notLeaderFrame();
      if (e instanceof OutcomeUnknownError) reply = err(`TIMEOUT outcome unknown: ${e.message}`);
      else throw e;
    }
    return Buffer.concat([Buffer.from([FORWARD_REPLY]), encodeReplyBinary(reply)]);
  }

  // ------------------------------------------------------------------ the Raft loop

  private onMessages(from: number, msgs: Uint8Array[]): void {
    if (this.closed) return;
    for (const bytes of msgs) {
      let m: Message;
      try {
        m = decodeMessage(bytes);
      } catch (e) {
        this.o.logger.warn({ peer: from, err: e }, 'dropping an undecodable raft message');
        continue;
      }
      if (m.from !== from || m.to !== this.o.nodeId) {
        this.o.logger.warn({ peer: from, msgFrom: m.from, msgTo: m.to }, 'dropping a misaddressed raft message');
        continue;
      }
      this.node.step(m);
    }
    this.kick();
  }

  private tick(): void {
    if (this.closed) return;
    this.node.tick();
    const now = Date.now();
    this.expireProposals(now);
    this.retryReads(now);
    this.kick();
  }

  private expireProposals(nowMs: number): void {
    for (const [index, w] of this.waiting) {
      let open = 0;
      for (const p of w.batch) {
        if (!p.settled && p.deadlineMs <= nowMs) {
          settle(p, () => p.reject(new OutcomeUnknownError(`entry ${index} not applied within the request timeout`)));
        }
        if (!p.settled) open++;
      }
      if (open === 0) this.waiting.delete(index);
    }
  }

  private retryReads(nowMs: number): void {
    const electionMs = this.o.electionTicks * this.o.tickMs;
    // A snapshot: re-sent rounds are added to the map under new ctxs while we walk it.
    for (const [ctx, r] of [...this.sentReads]) {
      const live = r.waiters.filter((w) => {
        if (w.deadlineMs > nowMs) return true;
        w.reject(new ReadNotConfirmedError(this.lead !== 0));
        return false;
      });
      if (live.length === 0) {
        this.sentReads.delete(ctx);
        continue;
      }
      // ReadIndex requests are dropped when leadership moves: ask again under a new ctx.
      if (nowMs - r.sentAtMs >= electionMs) {
        this.sentReads.delete(ctx);
        this.requestReadIndex({ ...r, waiters: live });
      } else if (live.length !== r.waiters.length) {
        this.sentReads.set(ctx, { ...r, waiters: live });
      }
    }
  }

  private kick(): void {
    if (this.kickScheduled) return;
    this.kickScheduled = true;
    setImmediate(() => {
      this.kickScheduled = false;
      void this.readyLoop();
    });
  }

  /**
   * One Ready at a time: while its fsync runs, new proposals and messages accumulate in the
   * core, so the next Ready carries them all to one fsync (this wait is what batches writes).
   */
  private async readyLoop(): Promise<void> {
    // After close() the WAL is closed: whatever the core still wants to persist (a later commit
    // index) is recovered from the log on restart.
    if (this.fatal || this.closed) return;
    if (this.readyRunning) {
      this.readyAgain = true;
      return;
    }
    this.readyRunning = true;
    try {
      do {
        this.readyAgain = false;
        while (!this.closed && this.node.hasReady()) {
          const rd = this.node.ready();
          await this.handleReady(rd);
          this.node.advance();
        }
      } while (this.readyAgain && !this.closed);
    } catch (e) {
      this.fail(e);
    } finally {
      this.readyRunning = false;
      this.notifyIdle();
    }
  }

  private async handleReady(rd: Ready): Promise<void> {
    if (rd.softState) this.onSoftState(rd.softState);
    for (const e of rd.entries) if (e.timeMs > this.lastTimeMs) this.lastTimeMs = e.timeMs;
    // A leader's messages (appends, heartbeats, read answers) depend on nothing it has not
    // persisted — it counts itself toward commit only once advance() reports its entries
    // persisted — so they leave while its own fsync runs. Everyone else's (votes, append acks)
    // claim durability: they wait for it.
    const sendFirst = this.role === 'leader';
    if (sendFirst && rd.messages.length > 0) this.send(rd.messages);
    if (rd.entries.length > 0) this.wal.append(rd.entries);
    // As etcd's MustSync: a new commit index alone need not be durable before anything else
    // happens (it is re-learned from the quorum after a crash), so it rides along with the next
    // fsync instead of costing one of its own.
    let mustSync = rd.entries.length > 0;
    if (rd.hardState) {
      const prev = this.wal.hardState;
      mustSync ||= rd.hardState.term !== prev.term || rd.hardState.vote !== prev.vote;
      this.wal.setHardState(rd.hardState);
    }
    if (mustSync) await this.wal.sync();
    if (!sendFirst && rd.messages.length > 0) this.send(rd.messages);
    for (const rs of rd.readStates) {
      const r = this.sentReads.get(rs.ctx);
      if (r === undefined) continue;
      this.sentReads.delete(rs.ctx);
      r.index = rs.index;
      this.confirmedReads.push(r);
    }
    if (rd.committedEntries.length > 0) {
      for (const e of rd.committedEntries) this.applyQueue.push(e);
      void this.applyLoop();
    }
    this.releaseReads();
  }

  private onSoftState(s: SoftState): void {
    const wasLeader = this.role === 'leader';
    if (s.role !== this.role || s.lead !== this.lead) {
      this.o.logger.info({ nodeId: this.o.nodeId, role: s.role, leader: s.lead, term: this.node.status().term }, 'raft role changed');
    }
    this.role = s.role;
    this.lead = s.lead;
    if (s.role === 'leader' && !wasLeader) {
      this.leaderSinceIndex = this.node.status().lastIndex;
      this.tracker.lead(this.leaderSinceIndex);
    }
    if (s.role !== 'leader') {
      if (wasLeader) this.tracker.unlead();
      this.leaderSinceIndex = Number.POSITIVE_INFINITY;
      // Queued but never proposed: a definite failure the server may retry on the new leader.
      const queued = this.queued;
      this.queued = [];
      for (const p of queued) settle(p, () => p.reject(new NotLeaderError(s.lead)));
    }
  }

  private send(messages: readonly Message[]): void {
    if (this.transport === null) return;
    const byPeer = new Map<number, Uint8Array[]>();
    for (const m of messages) {
      let list = byPeer.get(m.to);
      if (list === undefined) byPeer.set(m.to, (list = []));
      list.push(encodeMessage(m));
    }
    for (const [to, list] of byPeer) this.transport.send(to, list);
  }

  private async applyLoop(): Promise<void> {
    if (this.applyRunning) return;
    this.applyRunning = true;
    try {
      while (this.applyQueue.length > 0) {
        const entries = this.applyQueue.splice(0, APPLY_CHUNK_ENTRIES);
        const results = await this.sm.apply(entries);
        entries.forEach((e, i) => this.answer(e, results[i]!));
        this.releaseReads();
        this.maybeCompact();
      }
    } catch (e) {
      this.fail(e);
    } finally {
      this.applyRunning = false;
      this.notifyIdle();
    }
  }

  private answer(e: Entry, replies: Reply[]): void {
    const w = this.waiting.get(e.index);
    if (w === undefined) return;
    this.waiting.delete(e.index);
    if (w.term !== e.term) {
      // Our entry was replaced by a new leader's: it did not commit, but we keep the one outcome
      // rule simple and safe — proposed and not acknowledged is "unknown" to the client.
      for (const p of w.batch) settle(p, () => p.reject(new OutcomeUnknownError(`entry ${e.index} was overwritten by a new leader`)));
      return;
    }
    let k = 0;
    for (const p of w.batch) {
      const mine = replies.slice(k, k + p.ops.length);
      k += p.ops.length;
      settle(p, () => p.resolve(mine));
    }
  }

  private fail(e: unknown): void {
    const error = e instanceof Error ? e : new Error(String(e));
    if (this.fatal) return;
    this.fatal = error;
    for (const w of this.waiting.values()) for (const p of w.batch) settle(p, () => p.reject(new OutcomeUnknownError(error.message)));
    this.waiting.clear();
    this.o.onFatal(error);
  }

  private maybeCompact(): void {
    const keep = this.o.compactEntries();
    const applied = this.sm.appliedIndex;
    if (this.compacting || this.closing || applied - this.wal.firstIndex < 2 * keep) return;
    let target = applied - keep;
    if (this.role === 'leader' && this.o.members.length > 1) {
      // Keep what lagging followers still need, unless one lags so far that holding the log for
      // it would grow it without bound (it will need a snapshot either way).
      let minMatch = applied;
      for (const [id, pr] of this.node.status().progress) if (id !== this.o.nodeId) minMatch = Math.min(minMatch, pr.match);
      if (minMatch >= applied - 10 * keep) target = Math.min(target, minMatch);
    }
    if (target < this.wal.firstIndex) return;
    this.compacting = true;
    // Entries may be dropped only once their effect is in SST files, not just RocksDB's own WAL.
    this.sm.store
      .flush()
      .then(() => this.wal.compact(target))
      .catch((e: unknown) => this.o.logger.error({ err: e }, 'log compaction failed'))
      .finally(() => {
        this.compacting = false;
      });
  }

  // ------------------------------------------------------------------ status and shutdown

  info(): [string, string | number][] {
    const s = this.node.status();
    const leader = this.leader();
    const fields: [string, string | number][] = [
      ['role', s.role === 'preCandidate' ? 'candidate' : s.role],
      ['node_id', this.o.nodeId],
      ['term', s.term],
      ['leader_id', s.lead],
      ['leader_addr', leader?.clientAddress ?? ''],
      ['commit_index', s.commit],
      ['applied_index', this.sm.appliedIndex],
      ['last_log_index', s.lastIndex],
      ['first_log_index', this.wal.firstIndex],
      ['members', this.o.members.length],
      ['read_consistency', this.o.readConsistency],
      ['snapshot_in_progress', 0],
    ];
    let i = 0;
    for (const [id, pr] of s.progress) {
      if (id === this.o.nodeId) continue;
      const addr = this.peersById.get(id)?.clientAddress ?? '';
      fields.push([
        `follower${i++}`,
        `id=${id},addr=${addr},match=${pr.match},next=${pr.next},state=${pr.needsSnapshot ? 'snapshot' : pr.state},active=${pr.recentActive ? 1 : 0}`,
      ]);
    }
    return fields;
  }

  private notifyIdle(): void {
    if (this.readyRunning || this.applyRunning) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private idle(): Promise<void> {
    if (!this.readyRunning && !this.applyRunning) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  async close(): Promise<void> {
    if (this.closed || this.closing) return;
    this.closing = true;
    // Let proposals already made finish (their clients are owed a reply), bounded by their deadline.
    while (this.flushScheduled) await new Promise((r) => setImmediate(r));
    const until = Date.now() + this.o.requestTimeoutMs();
    while (this.waiting.size > 0 && Date.now() < until && this.fatal === null) await new Promise((r) => setTimeout(r, 2));
    this.closed = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    for (const w of this.waiting.values()) {
      for (const p of w.batch) settle(p, () => p.reject(new OutcomeUnknownError('server shutting down')));
    }
    this.waiting.clear();
    for (const r of [...this.sentReads.values(), ...this.confirmedReads]) for (const w of r.waiters) w.reject(new ReadNotConfirmedError(false));
    this.sentReads.clear();
    this.confirmedReads.length = 0;
    await this.idle();
    while (this.compacting) await new Promise((r) => setTimeout(r, 2));
    await this.transport?.close();
    await this.wal.close();
  }
}

function settle(p: Pending, f: () => void): void {
  if (p.settled) return;
  p.settled = true;
  f();
}
