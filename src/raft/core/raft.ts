// The Raft state machine (etcd raft's raft.go + rawnode.go): roles, message handling, Ready.
// Pure: no I/O, no clock (time is tick()), no Math.random (the injected Rng).
import { invariant } from './assert.js';
import { RaftLog } from './log.js';
import type { Message, MsgApp, MsgAppResp, MsgHeartbeat, MsgVote } from './messages.js';
import { Progress } from './progress.js';
import { committedIndex, hasQuorum, voteResult } from './quorum.js';
import { MAX_PENDING_READS, ReadOnly } from './read-only.js';
import type { ClusterConfig, Entry, HardState, Role, SoftState } from './types.js';
import type {
  ProgressStatus,
  Proposal,
  ProposeResult,
  RaftConfig,
  RaftStatus,
  ReadOnlyOption,
  ReadState,
  Ready,
  RequestResult,
} from './api.js';
import { entrySizeBytes } from './types.js';

const DEFAULT_MAX_COMMITTED_BYTES_PER_READY = 64 * 1024 * 1024;

export class RaftNode {
  readonly id: number;
  private term = 0;
  private vote = 0;
  private role: Role = 'follower';
  private lead = 0;
  private readonly log: RaftLog;
  private config: ClusterConfig;
  private readonly prs = new Map<number, Progress>();
  private readonly votes = new Map<number, boolean>();
  private msgs: Message[] = [];
  private readStates: ReadState[] = [];
  private readonly readOnly = new ReadOnly();
  /** Reads that arrived before this leader committed an entry of its term. */
  private readsWaitingForTermCommit: { ctx: string; from: number }[] = [];
  private electionElapsedTicks = 0;
  private heartbeatElapsedTicks = 0;
  private randomizedElectionTicks = 0;
  private leadTransferee = 0;
  private readonly c: RaftConfig;
  private readonly readOnlyOption: ReadOnlyOption;
  private prevSoft: SoftState;
  private prevHard: HardState;
  /** Ready handed out and not yet advanced. */
  private inFlightReady: Ready | undefined;

  constructor(config: RaftConfig) {
    invariant(config.id > 0, 'node id must be > 0');
    invariant(config.heartbeatTicks > 0, 'heartbeatTicks must be > 0');
    invariant(config.electionTicks > config.heartbeatTicks, 'electionTicks must be > heartbeatTicks');
    invariant(config.maxSizePerMsgBytes > 0, 'maxSizePerMsgBytes must be > 0');
    this.readOnlyOption = config.readOnlyOption ?? 'safe';
    invariant(this.readOnlyOption !== 'leaseBased' || config.checkQuorum, 'leaseBased reads require checkQuorum');
    const voters = new Set(config.peers);
    const learners = new Set(config.learners);
    for (const l of learners) invariant(!voters.has(l), `node ${l} is both voter and learner`);
    this.c = config;
    this.id = config.id;
    this.config = { voters, learners };
    this.log = new RaftLog(config.storage, config.applied);
    const hs = config.storage.initialState();
    this.term = hs.term;
    this.vote = hs.vote;
    this.resetProgress();
    this.becomeFollower(this.term, 0);
    this.prevSoft = this.softState();
    this.prevHard = this.hardState();
  }

  // ---------------------------------------------------------------- public API

  tick(): void {
    if (this.role === 'leader') this.tickHeartbeat();
    else this.tickElection();
  }

  /** Leader only. Entries get consecutive indices in the current term. */
  propose(proposals: readonly Proposal[]): ProposeResult {
    if (this.role !== 'leader') return { ok: false, error: 'notLeader', lead: this.lead };
    if (this.leadTransferee !== 0) return { ok: false, error: 'transferring', lead: this.lead };
    const first = this.log.lastIndex() + 1;
    this.appendEntries(proposals);
    return { ok: true, firstIndex: first, lastIndex: this.log.lastIndex(), term: this.term };
  }

  /** Linearizable read barrier; the answer arrives as a ReadState with the same ctx. */
  readIndex(ctx: string): RequestResult {
    if (this.role === 'leader') return this.leaderReadIndex(ctx, this.id);
    if (this.lead === 0) return { ok: false, error: 'noLeader' };
    this.send({ type: 'readIndex', from: this.id, to: this.lead, term: 0, ctx });
    return { ok: true };
  }

  transferLeadership(to: number): RequestResult {
    if (this.role === 'leader') {
      this.leaderTransfer(to);
      return { ok: true };
    }
    if (this.lead === 0) return { ok: false, error: 'noLeader' };
    this.send({ type: 'transferLeader', from: this.id, to: this.lead, term: 0, transferee: to });
    return { ok: true };
  }

  /** Starts an election now (tests, or a driver that knows the leader is gone). */
  campaign(): void {
    this.hup(false);
  }

  hasReady(): boolean {
    invariant(this.inFlightReady === undefined, 'hasReady() before advance()');
    this.flushReadRound();
    const s = this.softState();
    const h = this.hardState();
    return (
      s.lead !== this.prevSoft.lead ||
      s.role !== this.prevSoft.role ||
      !hardStateEqual(h, this.prevHard) ||
      this.log.hasUnstable() ||
      this.msgs.length > 0 ||
      this.log.hasNextCommitted() ||
      this.readStates.length > 0
    );
  }

  ready(): Ready {
    invariant(this.inFlightReady === undefined, 'ready() twice without advance()');
    this.flushReadRound();
    const s = this.softState();
    const h = this.hardState();
    const rd: Ready = {
      ...(s.lead !== this.prevSoft.lead || s.role !== this.prevSoft.role ? { softState: s } : {}),
      ...(!hardStateEqual(h, this.prevHard) ? { hardState: h } : {}),
      entries: this.log.unstableEntries(),
      messages: this.msgs,
      committedEntries: this.log.nextCommitted(this.c.maxCommittedBytesPerReady ?? DEFAULT_MAX_COMMITTED_BYTES_PER_READY),
      readStates: this.readStates,
    };
    this.msgs = [];
    this.readStates = [];
    this.prevSoft = s;
    this.prevHard = h;
    this.inFlightReady = rd;
    return rd;
  }

  /**
   * The driver took rd: it persisted rd.entries / rd.hardState (unless `persisted: false`, when
   * it reports durability later with persisted()) and applied or queued rd.committedEntries.
   */
  advance(opts: { readonly persisted?: boolean } = {}): void {
    const rd = this.inFlightReady;
    invariant(rd !== undefined, 'advance() without ready()');
    this.inFlightReady = undefined;
    const lastStable = rd.entries[rd.entries.length - 1];
    if (lastStable !== undefined) {
      this.log.stableTo(lastStable.index, lastStable.term);
      if (opts.persisted !== false) this.persisted(lastStable.index, lastStable.term);
    }
    const lastApplied = rd.committedEntries[rd.committedEntries.length - 1];
    if (lastApplied !== undefined) this.log.appliedTo(lastApplied.index);
  }

  /**
   * Entries up to (index, term) are durable. The leader counts itself toward commit only for
   * those (Raft thesis §10.2.1), which lets the driver send its appends before its own fsync
   * and take the next Ready while an fsync is still running.
   */
  persisted(index: number, term: number): void {
    this.log.durableTo(index, term);
    const self = this.prs.get(this.id);
    if (this.role === 'leader' && self !== undefined && self.maybeUpdate(this.log.durableIndex()) && this.maybeCommit()) {
      this.bcastAppend();
    }
  }

  /** Term of the entry at `index` in this node's log (persisted or not), undefined past the end. */
  logTerm(index: number): number | undefined {
    return this.log.termOrUndefined(index);
  }

  status(): RaftStatus {
    const progress = new Map<number, ProgressStatus>();
    if (this.role === 'leader') {
      for (const [id, pr] of this.prs) {
        progress.set(id, {
          match: pr.match,
          next: pr.next,
          state: pr.state,
          recentActive: pr.recentActive,
          inflightMsgs: pr.inflights.count,
          inflightBytes: pr.inflights.bytes,
          isLearner: pr.isLearner,
          needsSnapshot: pr.needsSnapshot,
        });
      }
    }
    return {
      id: this.id,
      role: this.role,
      term: this.term,
      vote: this.vote,
      lead: this.lead,
      commit: this.log.committed,
      applied: this.log.applied,
      lastIndex: this.log.lastIndex(),
      leadTransferee: this.leadTransferee,
      progress,
    };
  }

  // ---------------------------------------------------------------- step

  step(m: Message): void {
    invariant(m.to === this.id, `message for ${m.to} delivered to ${this.id}`);
    // Local-origin forwards (readIndex, transferLeader) carry term 0: no term handling.
    if (m.term === 0) {
      this.stepByRole(m);
      return;
    }
    if (m.term > this.term) {
      if (m.type === 'vote' || m.type === 'preVote') {
        // Leader lease on votes (CheckQuorum): a node that heard from a live leader within an
        // election timeout ignores campaigns, so a partitioned node rejoining cannot depose it.
        const inLease = this.c.checkQuorum && this.lead !== 0 && this.electionElapsedTicks < this.c.electionTicks;
        if (inLease && !m.transfer) return;
      }
      if (m.type === 'preVote') {
        // PreVote never changes our term.
      } else if (m.type === 'preVoteResp' && !m.reject) {
        // The granted pre-vote term is our future term; we move there when the real election starts.
      } else if (m.type === 'app' || m.type === 'heartbeat') {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, 0);
      }
    } else if (m.term < this.term) {
      if ((this.c.checkQuorum || this.c.preVote) && (m.type === 'heartbeat' || m.type === 'app')) {
        // A stale leader (e.g. isolated, its term behind ours because of PreVote/CheckQuorum never
        // bumped it): tell it our term so it steps down instead of being stuck.
        this.send({ type: 'appResp', from: this.id, to: m.from, term: this.term, index: 0, reject: false, rejectHint: 0, logTerm: 0 });
      } else if (m.type === 'preVote') {
        // Reject with our higher term, so the pre-candidate learns it.
        this.send({ type: 'preVoteResp', from: this.id, to: m.from, term: this.term, reject: true });
      }
      return;
    }

    if (m.type === 'vote' || m.type === 'preVote') {
      this.handleVote(m);
      return;
    }
    this.stepByRole(m);
  }

  private handleVote(m: MsgVote): void {
    const canVote =
      this.vote === m.from ||
      (this.vote === 0 && this.lead === 0) ||
      (m.type === 'preVote' && m.term > this.term);
    const grant = canVote && this.log.isUpToDate(m.index, m.logTerm) && this.config.voters.has(this.id);
    const respType = m.type === 'vote' ? 'voteResp' : 'preVoteResp';
    if (grant) {
      // Pre-vote grants answer with the candidate's future term; we do not move there ourselves.
      this.send({ type: respType, from: this.id, to: m.from, term: m.term, reject: false });
      if (m.type === 'vote') {
        this.electionElapsedTicks = 0;
        this.vote = m.from;
      }
    } else {
      this.send({ type: respType, from: this.id, to: m.from, term: this.term, reject: true });
    }
  }

  private stepByRole(m: Message): void {
    switch (this.role) {
      case 'leader':
        this.stepLeader(m);
        return;
      case 'candidate':
      case 'preCandidate':
        this.stepCandidate(m);
        return;
      case 'follower':
        this.stepFollower(m);
        return;
    }
  }

  private stepLeader(m: Message): void {
    switch (m.type) {
      case 'readIndex':
        // A refusal (too many reads) drops the request: the follower's client times out and retries.
        this.leaderReadIndex(m.ctx, m.from);
        return;
      case 'transferLeader':
        this.leaderTransfer(m.transferee);
        return;
      case 'appResp':
        this.handleAppResp(m);
        return;
      case 'heartbeatResp':
        this.handleHeartbeatResp(m.from, m.round);
        return;
      case 'app':
      case 'heartbeat':
        invariant(false, `two leaders in term ${this.term}: ${this.id} and ${m.from}`);
        return;
      default:
        return;
    }
  }

  private stepCandidate(m: Message): void {
    switch (m.type) {
      case 'app':
        this.becomeFollower(m.term, m.from);
        this.handleApp(m);
        return;
      case 'heartbeat':
        this.becomeFollower(m.term, m.from);
        this.handleHeartbeat(m);
        return;
      case 'voteResp':
      case 'preVoteResp': {
        const expected = this.role === 'preCandidate' ? 'preVoteResp' : 'voteResp';
        if (m.type !== expected) return;
        this.votes.set(m.from, !m.reject);
        const r = voteResult(this.config.voters, this.votes);
        if (r === 'won') {
          if (this.role === 'preCandidate') this.startElection(false);
          else {
            this.becomeLeader();
            this.bcastAppend();
          }
        } else if (r === 'lost') {
          this.becomeFollower(this.term, 0);
        }
        return;
      }
      default:
        return;
    }
  }

  private stepFollower(m: Message): void {
    switch (m.type) {
      case 'app':
        this.electionElapsedTicks = 0;
        this.setLead(m.from);
        this.handleApp(m);
        return;
      case 'heartbeat':
        this.electionElapsedTicks = 0;
        this.setLead(m.from);
        this.handleHeartbeat(m);
        return;
      case 'timeoutNow':
        // Learners never campaign; voters start a real (non-pre) election that bypasses leases.
        if (this.promotable()) this.hup(true);
        return;
      case 'readIndexResp':
        this.readStates.push({ index: m.index, ctx: m.ctx });
        return;
      case 'readIndex':
      case 'transferLeader':
        // Sent to a node that is no longer leader: drop rather than forward again (no loops);
        // the requester times out and retries against the leader it learns next.
        return;
      default:
        return;
    }
  }

  // ---------------------------------------------------------------- follower side of replication

  private handleApp(m: MsgApp): void {
    if (m.index < this.log.committed) {
      // Everything up to commit is already ours; ack it so the leader advances its Next.
      this.sendAppResp(m.from, this.log.committed, false, 0, 0);
      return;
    }
    const lastNew = this.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (lastNew !== undefined) {
      this.sendAppResp(m.from, lastNew, false, 0, 0);
      return;
    }
    // Fast backtracking: point the leader at the last index whose term ≤ the leader's prev term,
    // so one round trip skips a whole divergent term instead of one entry.
    const hint = this.log.findConflictByTerm(Math.min(m.index, this.log.lastIndex()), m.logTerm);
    this.sendAppResp(m.from, m.index, true, hint.index, hint.term);
  }

  private sendAppResp(to: number, index: number, reject: boolean, rejectHint: number, logTerm: number): void {
    this.send({ type: 'appResp', from: this.id, to, term: this.term, index, reject, rejectHint, logTerm });
  }

  private handleHeartbeat(m: MsgHeartbeat): void {
    this.log.commitTo(m.commit);
    this.send({ type: 'heartbeatResp', from: this.id, to: m.from, term: this.term, round: m.round });
  }

  // ---------------------------------------------------------------- leader side of replication

  private handleAppResp(m: MsgAppResp): void {
    const pr = this.prs.get(m.from);
    if (pr === undefined) return;
    pr.recentActive = true;
    if (m.reject) {
      let probe = m.rejectHint;
      if (m.logTerm > 0) probe = this.log.findConflictByTerm(m.rejectHint, m.logTerm).index;
      if (pr.maybeDecrTo(m.index, probe)) {
        if (pr.state === 'replicate') pr.becomeProbe();
        this.sendAppend(m.from, true);
      }
      return;
    }
    const oldPaused = pr.isPaused();
    if (!pr.maybeUpdate(m.index)) {
      if (oldPaused && !pr.isPaused()) this.sendAppendLoop(m.from);
      return;
    }
    if (pr.state === 'probe') pr.becomeReplicate();
    else pr.inflights.freeLE(m.index);
    if (this.maybeCommit()) this.bcastAppend();
    else this.sendAppendLoop(m.from);
    if (m.from === this.leadTransferee && pr.match === this.log.lastIndex()) this.sendTimeoutNow(m.from);
  }

  private handleHeartbeatResp(from: number, round: number): void {
    const pr = this.prs.get(from);
    if (pr === undefined) return;
    pr.recentActive = true;
    pr.probeSent = false;
    if (pr.match < this.log.lastIndex()) this.sendAppend(from, true);
    if (round > pr.ackedRound) pr.ackedRound = round;
    this.releaseConfirmedReads();
  }

  /** Sends appends to `to` until flow control or the log end stops it. */
  private sendAppendLoop(to: number, sendIfEmpty = false): void {
    if (!this.sendAppend(to, sendIfEmpty)) return;
    while (this.sendAppend(to, false)) {
      // keep pipelining until the inflight window is full or nothing is left
    }
  }

  /**
   * Sends one append to `to` if flow control allows. An empty append is sent only when asked
   * (commit propagation, probing). Returns true when entries left in replicate state, i.e. when
   * another optimistic send may follow.
   */
  private sendAppend(to: number, sendIfEmpty: boolean): boolean {
    const pr = this.prs.get(to);
    if (pr === undefined || to === this.id || pr.isPaused()) return false;
    if (pr.next < this.log.firstIndex()) {
      // The follower needs entries this log compacted away: only a snapshot can catch it up.
      pr.needsSnapshot = true;
      return false;
    }
    pr.needsSnapshot = false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.log.term(prevIndex);
    const entries = this.log.entriesFrom(pr.next, this.c.maxSizePerMsgBytes);
    if (entries.length === 0 && !sendIfEmpty) return false;
    let sizeBytes = 0;
    for (const e of entries) sizeBytes += entrySizeBytes(e);
    this.send({
      type: 'app',
      from: this.id,
      to,
      term: this.term,
      index: prevIndex,
      logTerm: prevTerm,
      entries,
      commit: this.log.committed,
    });
    if (entries.length > 0) pr.sentEntries(entries[entries.length - 1]!.index, sizeBytes);
    else if (pr.state === 'probe') pr.probeSent = true;
    return entries.length > 0 && pr.state === 'replicate';
  }

  /**
   * The transport lost its stream to `id` (messages may be gone): go back to probing, so
   * replication resumes from what the follower really has instead of waiting on lost appends.
   */
  reportUnreachable(id: number): void {
    const pr = this.prs.get(id);
    if (this.role === 'leader' && pr !== undefined && id !== this.id && pr.state === 'replicate') pr.becomeProbe();
  }

  private bcastAppend(): void {
    for (const id of this.prs.keys()) if (id !== this.id) this.sendAppendLoop(id, true);
  }

  private bcastHeartbeat(round: number): void {
    for (const [id, pr] of this.prs) {
      if (id === this.id) continue;
      const commit = Math.min(pr.match, this.log.committed);
      this.send({ type: 'heartbeat', from: this.id, to: id, term: this.term, commit, round });
    }
  }

  /** Figure 8 rule: only an entry of the current term is committed by counting replicas. */
  private maybeCommit(): boolean {
    const mci = committedIndex(this.config.voters, (id) => this.prs.get(id)?.match ?? 0);
    if (mci > this.log.committed && this.log.term(mci) === this.term) {
      this.log.commitTo(mci);
      this.onCommitAdvanced();
      return true;
    }
    return false;
  }

  private onCommitAdvanced(): void {
    if (!this.committedInTerm()) return;
    const waiting = this.readsWaitingForTermCommit;
    this.readsWaitingForTermCommit = [];
    for (const r of waiting) this.registerRead(r.ctx, r.from);
  }

  private appendEntries(proposals: readonly Proposal[]): void {
    let index = this.log.lastIndex();
    const entries: Entry[] = proposals.map((p) => ({
      term: this.term,
      index: ++index,
      type: p.type,
      timeMs: p.timeMs,
      seed: p.seed,
      data: p.data,
    }));
    this.log.append(entries);
    // The leader's own match moves when the driver reports them persisted (advance).
    this.bcastAppend();
  }

  // ---------------------------------------------------------------- ReadIndex

  private committedInTerm(): boolean {
    return this.log.term(this.log.committed) === this.term;
  }

  private leaderReadIndex(ctx: string, from: number): RequestResult {
    if (this.readOnly.size + this.readsWaitingForTermCommit.length >= MAX_PENDING_READS) return { ok: false, error: 'tooManyReads' };
    if (!this.committedInTerm()) {
      // Until an entry of this term commits we may not know the latest commit index (§6.4 step 1).
      this.readsWaitingForTermCommit.push({ ctx, from });
      return { ok: true };
    }
    this.registerRead(ctx, from);
    return { ok: true };
  }

  private registerRead(ctx: string, from: number): void {
    const index = this.log.committed;
    if (this.config.voters.size === 1 && this.config.voters.has(this.id)) {
      this.answerRead(ctx, from, index);
      return;
    }
    if (this.readOnlyOption === 'leaseBased') {
      // Lease read: CheckQuorum makes this leader step down within an election timeout without
      // quorum contact, and followers refuse votes for an election timeout after hearing from it,
      // so no other leader can exist now. Assumes tick rates differ by less than the margin
      // between electionTicks and the randomized timeout (bounded clock drift).
      this.answerRead(ctx, from, index);
      return;
    }
    this.readOnly.add(ctx, from, index);
  }

  /** Sends the pending ReadIndex round, if any read is waiting for one (once per ready: batching). */
  private flushReadRound(): void {
    if (this.role !== 'leader' || !this.readOnly.roundNeeded) return;
    this.bcastHeartbeat(this.readOnly.startRound());
  }

  private releaseConfirmedReads(): void {
    if (this.readOnly.size === 0) return;
    // The newest round a quorum (leader included: it acks every round it sends) acknowledged.
    const acked = committedIndex(this.config.voters, (id) =>
      id === this.id ? this.readOnly.lastSentRound : (this.prs.get(id)?.ackedRound ?? 0),
    );
    for (const r of this.readOnly.release(acked)) this.answerRead(r.ctx, r.from, r.index);
  }

  private answerRead(ctx: string, from: number, index: number): void {
    if (from === this.id) this.readStates.push({ index, ctx });
    else this.send({ type: 'readIndexResp', from: this.id, to: from, term: this.term, index, ctx });
  }

  // ---------------------------------------------------------------- leadership transfer

  private leaderTransfer(to: number): void {
    if (to === this.id || !this.config.voters.has(to)) return; // learners and strangers cannot lead
    if (this.leadTransferee === to) return;
    this.leadTransferee = to;
    // The transfer must finish within an election timeout, else tickHeartbeat aborts it.
    this.electionElapsedTicks = 0;
    const pr = this.prs.get(to)!;
    if (pr.match === this.log.lastIndex()) this.sendTimeoutNow(to);
    else this.sendAppendLoop(to);
  }

  private sendTimeoutNow(to: number): void {
    this.send({ type: 'timeoutNow', from: this.id, to, term: this.term });
  }

  // ---------------------------------------------------------------- ticks and roles

  private tickElection(): void {
    this.electionElapsedTicks++;
    if (this.promotable() && this.electionElapsedTicks >= this.randomizedElectionTicks) {
      this.electionElapsedTicks = 0;
      this.hup(false);
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsedTicks++;
    this.electionElapsedTicks++;
    if (this.electionElapsedTicks >= this.c.electionTicks) {
      this.electionElapsedTicks = 0;
      if (this.c.checkQuorum) {
        const active = hasQuorum(this.config.voters, (id) => id === this.id || this.prs.get(id)?.recentActive === true);
        for (const [id, pr] of this.prs) pr.recentActive = id === this.id;
        if (!active) {
          this.becomeFollower(this.term, 0);
          return;
        }
      }
      // Transfer did not finish within an election timeout: accept proposals again.
      this.leadTransferee = 0;
    }
    if (this.heartbeatElapsedTicks >= this.c.heartbeatTicks) {
      this.heartbeatElapsedTicks = 0;
      // Regular heartbeats carry the newest read round (starting one if reads wait): re-acking an
      // already sent round is still proof of leadership after its reads arrived, so a round whose
      // messages were lost is confirmed by the next heartbeat.
      this.bcastHeartbeat(this.readOnly.roundNeeded ? this.readOnly.startRound() : this.readOnly.lastSentRound);
      const last = this.log.lastIndex();
      for (const [id, pr] of this.prs) {
        if (id === this.id) continue;
        // Probing followers get one append per heartbeat interval.
        if (pr.state === 'probe') pr.probeSent = false;
        // No ack at all for a whole heartbeat interval with entries outstanding: appends were
        // probably lost; fall back to probing rather than wait for an ack that never comes.
        else if (pr.match < last && pr.match === pr.matchAtLastHeartbeat) pr.becomeProbe();
        pr.matchAtLastHeartbeat = pr.match;
      }
    }
  }

  private promotable(): boolean {
    return this.config.voters.has(this.id);
  }

  private hup(transfer: boolean): void {
    if (this.role === 'leader' || !this.promotable()) return;
    // Never campaign with committed-but-unapplied config changes; none exist yet (no membership changes).
    if (this.c.preVote && !transfer) this.becomePreCandidate();
    else this.startElection(transfer);
  }

  private becomePreCandidate(): void {
    this.role = 'preCandidate';
    this.votes.clear();
    this.lead = 0;
    this.electionElapsedTicks = 0;
    this.resetRandomizedTimeout();
    this.campaignRound('preVote', this.term + 1, false);
  }

  private startElection(transfer: boolean): void {
    this.reset(this.term + 1);
    this.role = 'candidate';
    this.vote = this.id;
    this.campaignRound('vote', this.term, transfer);
  }

  private campaignRound(type: 'vote' | 'preVote', term: number, transfer: boolean): void {
    this.votes.clear();
    this.votes.set(this.id, true);
    if (voteResult(this.config.voters, this.votes) === 'won') {
      // Single voter: no one to ask.
      if (type === 'preVote') this.startElection(transfer);
      else this.becomeLeader();
      return;
    }
    for (const id of this.config.voters) {
      if (id === this.id) continue;
      this.send({ type, from: this.id, to: id, term, index: this.log.lastIndex(), logTerm: this.log.lastTerm(), transfer });
    }
  }

  private becomeFollower(term: number, lead: number): void {
    this.reset(term);
    this.role = 'follower';
    this.setLead(lead);
  }

  private becomeLeader(): void {
    invariant(this.role === 'candidate', `becomeLeader from ${this.role}`);
    invariant(this.lead === 0 || this.lead === this.id, `leader ${this.lead} already known in term ${this.term}`);
    this.reset(this.term);
    this.role = 'leader';
    this.lead = this.id;
    for (const pr of this.prs.values()) pr.ackedRound = 0;
    // The no-op commits the leader's term, which commits all prior entries (Figure 8) and lets
    // ReadIndex start.
    this.appendEntries([{ type: 'noop', timeMs: 0, seed: 0, data: new Uint8Array(0) }]);
  }

  private setLead(lead: number): void {
    if (lead === 0 || lead === this.lead) return;
    invariant(this.lead === 0, `two leaders in term ${this.term}: ${this.lead} and ${lead}`);
    this.lead = lead;
  }

  private reset(term: number): void {
    invariant(term >= this.term, `term would decrease from ${this.term} to ${term}`);
    if (term !== this.term) {
      this.term = term;
      this.vote = 0;
    }
    this.lead = 0;
    this.electionElapsedTicks = 0;
    this.heartbeatElapsedTicks = 0;
    this.resetRandomizedTimeout();
    this.leadTransferee = 0;
    this.votes.clear();
    this.readOnly.reset();
    this.readsWaitingForTermCommit = [];
    this.resetProgress();
  }

  private resetProgress(): void {
    this.prs.clear();
    const last = this.log.lastIndex();
    const mk = (id: number, learner: boolean): Progress => {
      const pr = new Progress(last + 1, this.c.maxInflightMsgs, this.c.maxInflightBytes, learner);
      if (id === this.id) {
        pr.match = this.log.durableIndex();
        pr.recentActive = true;
      }
      return pr;
    };
    for (const id of this.config.voters) this.prs.set(id, mk(id, false));
    for (const id of this.config.learners) this.prs.set(id, mk(id, true));
  }

  private resetRandomizedTimeout(): void {
    // [electionTicks, 2*electionTicks): spreads candidates so split votes are rare.
    this.randomizedElectionTicks = this.c.electionTicks + this.c.rng.int(this.c.electionTicks);
  }

  private send(m: Message): void {
    this.msgs.push(m);
  }

  private softState(): SoftState {
    return { lead: this.lead, role: this.role };
  }

  private hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }
}

function hardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}
