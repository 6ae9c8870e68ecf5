// Deterministic simulation of a Raft cluster (TigerBeetle VOPR style): N cores in one process,
// a seeded scheduler, a faulty network and disk, clients doing SET/GET against a tiny KV, and
// Raft's safety properties checked after every step. Any failure replays from its seed.
import { MemoryStorage, Mulberry32, RaftNode } from '../../src/raft/core/index.js';
import type { Entry, Message, Ready } from '../../src/raft/core/index.js';
import type { RegisterOperation } from './linearizability.js';

export interface SimOptions {
  readonly seed: number;
  readonly nodes: number;
  readonly steps: number;
  /**
   * Break a rule on purpose to prove the checks can fail (see run.ts --mutate): `staleRead`
   * answers a ReadIndex read without waiting for apply; `localRead` skips ReadIndex and serves the
   * contacted node's state at once (what read-consistency `stale` does, which is not linearizable).
   */
  readonly mutate?: 'none' | 'staleRead' | 'localRead';
}

export interface SimResult {
  readonly history: RegisterOperation[];
  readonly stats: { commits: number; writesOk: number; readsOk: number; leaders: number; crashes: number };
}

const KEYS = ['a', 'b', 'c'];
const CLIENTS = 4;
const ELECTION_TICKS = 10;
const HEARTBEAT_TICKS = 2;
const OP_TIMEOUT_STEPS = 600;
const MAX_DELAY_STEPS = 12;

interface Command {
  readonly op: number;
  readonly key: string;
  readonly value: string;
}

interface SimNode {
  readonly id: number;
  readonly storage: MemoryStorage;
  raft: RaftNode | null; // null while crashed
  /** Ready taken but not yet persisted: lost on crash. */
  stash: Ready | null;
  kv: Map<string, string>;
  appliedIndex: number;
  /** Reads confirmed by ReadIndex, waiting for apply to reach `index`. */
  readsWaitingApply: { ctx: string; index: number }[];
}

interface InFlight {
  readonly deliverAt: number;
  readonly msg: Message;
}

interface PendingOp {
  readonly client: number;
  readonly op: RegisterOperation;
  readonly node: number;
  readonly startedAt: number;
  /** Writes: where the proposal landed. */
  readonly index?: number;
  readonly term?: number;
  readonly opId: number;
}

export class SimFailure extends Error {}

function fail(seed: number, step: number, message: string): never {
  throw new SimFailure(`seed ${seed} step ${step}: ${message}`);
}

export function runSim(o: SimOptions): SimResult {
  const rng = new Mulberry32(o.seed);
  const chance = (p: number): boolean => rng.int(1_000_000) < p * 1_000_000;
  const voterIds = Array.from({ length: o.nodes }, (_, i) => i + 1);
  // Five-voter clusters also carry one learner: it receives the log and serves forwarded reads.
  const learnerIds = o.nodes >= 5 ? [o.nodes + 1] : [];
  const ids = [...voterIds, ...learnerIds];
  const nodes = new Map<number, SimNode>();
  let step = 0;
  let restarts = 0;
  const enc = new TextEncoder();
  const dec = new TextDecoder();

  const makeRaft = (id: number, storage: MemoryStorage): RaftNode =>
    new RaftNode({
      id,
      peers: voterIds,
      learners: learnerIds,
      electionTicks: ELECTION_TICKS,
      heartbeatTicks: HEARTBEAT_TICKS,
      preVote: true,
      checkQuorum: true,
      maxInflightMsgs: 4,
      maxInflightBytes: 2048,
      maxSizePerMsgBytes: 512,
      rng: new Mulberry32((o.seed * 31 + id * 1009 + restarts * 7) >>> 0),
      storage,
      applied: 0,
    });

  for (const id of ids) {
    const storage = new MemoryStorage();
    nodes.set(id, { id, storage, raft: makeRaft(id, storage), stash: null, kv: new Map(), appliedIndex: 0, readsWaitingApply: [] });
  }

  // ---- network
  let inflight: InFlight[] = [];
  /** Partition: node id → group number; messages cross groups never. */
  let groups = new Map<number, number>();
  const connected = (a: number, b: number): boolean => (groups.get(a) ?? 0) === (groups.get(b) ?? 0);
  const send = (m: Message): void => {
    if (chance(0.05)) return; // drop
    const copies = chance(0.03) ? 2 : 1; // duplicate
    for (let c = 0; c < copies; c++) inflight.push({ deliverAt: step + 1 + rng.int(MAX_DELAY_STEPS), msg: m });
  };

  // ---- checkers' state
  const leaderOfTerm = new Map<number, number>();
  /** (index, term) → previous entry's term and the entry: log matching by induction. */
  const entryByIndexTerm = new Map<string, { prevTerm: number; entry: Entry }>();
  /** Committed entries seen anywhere: index → entry. */
  const committed = new Map<number, Entry>();
  let maxCommitted = 0;
  /**
   * Term in which entries were known committed → highest such index. The observer's current term
   * bounds the real commit term from above, so checking only leaders of later terms never raises
   * a false alarm (a stale leader of an older term may legitimately lack newer entries).
   */
  const maxIndexByCommitTerm = new Map<number, number>();
  /** State machine safety: applied index → KV image. */
  const stateAt = new Map<number, string>();

  // ---- clients
  const history: RegisterOperation[] = [];
  const pending = new Map<number, PendingOp>(); // client → op
  const generation = new Array<number>(CLIENTS).fill(0);
  let nextOpId = 1;
  let writesOk = 0;
  let readsOk = 0;

  const sameEntry = (a: Entry, b: Entry): boolean =>
    a.index === b.index && a.term === b.term && a.type === b.type && a.timeMs === b.timeMs && a.seed === b.seed &&
    dec.decode(a.data) === dec.decode(b.data);

  const retire = (client: number): void => {
    pending.delete(client);
    generation[client]!++; // an op with unknown outcome retires its process (Jepsen convention)
  };

  const apply = (n: SimNode, e: Entry): void => {
    if (e.index !== n.appliedIndex + 1) fail(o.seed, step, `node ${n.id} applies ${e.index} after ${n.appliedIndex}`);
    const known = committed.get(e.index);
    if (known === undefined) {
      committed.set(e.index, e);
      maxCommitted = Math.max(maxCommitted, e.index);
      const t = n.raft!.status().term;
      maxIndexByCommitTerm.set(t, Math.max(maxIndexByCommitTerm.get(t) ?? 0, e.index));
    } else if (!sameEntry(known, e)) {
      fail(o.seed, step, `state machine safety: node ${n.id} applies ${e.index}/t${e.term}, another applied t${known.term}`);
    }
    let cmd: Command | null = null;
    if (e.type === 'normal') {
      cmd = JSON.parse(dec.decode(e.data)) as Command;
      n.kv.set(cmd.key, cmd.value);
    }
    n.appliedIndex = e.index;
    const image = JSON.stringify([...n.kv.entries()].sort());
    const seen = stateAt.get(e.index);
    if (seen === undefined) stateAt.set(e.index, image);
    else if (seen !== image) fail(o.seed, step, `state machine safety: node ${n.id} state at ${e.index} differs`);
    // Complete the write proposed through this node, if this is it.
    for (const [client, p] of pending) {
      if (p.node !== n.id || p.op.f !== 'write' || p.index !== e.index) continue;
      if (cmd !== null && cmd.op === p.opId && e.term === p.term) {
        p.op.returnNs = step;
        writesOk++;
        pending.delete(client);
      } else {
        retire(client); // our entry was overwritten: it will never commit, but "unknown" is always safe
      }
    }
  };

  const answerReads = (n: SimNode): void => {
    const still: typeof n.readsWaitingApply = [];
    for (const r of n.readsWaitingApply) {
      if (n.appliedIndex < r.index) {
        still.push(r);
        continue;
      }
      for (const [client, p] of pending) {
        if (p.node !== n.id || p.op.f !== 'read' || `r${p.opId}` !== r.ctx) continue;
        const v = n.kv.get(p.op.key);
        // Mutation: answer from a stale state to prove the linearizability check bites.
        p.op.value = v ?? null;
        p.op.returnNs = step;
        readsOk++;
        pending.delete(client);
      }
    }
    n.readsWaitingApply = still;
  };

  const completeReady = (n: SimNode): void => {
    const rd = n.stash!;
    n.stash = null;
    // Persist: entries (truncating a conflicting tail) before the hard state that may commit them.
    n.storage.append(rd.entries);
    if (rd.hardState !== undefined) n.storage.setHardState(rd.hardState);
    for (let k = 0; k < rd.entries.length; k++) {
      const e = rd.entries[k]!;
      const prevTerm = e.index === 1 ? 0 : n.storage.term(e.index - 1);
      const key = `${e.index}/${e.term}`;
      const seen = entryByIndexTerm.get(key);
      if (seen === undefined) entryByIndexTerm.set(key, { prevTerm, entry: e });
      else if (seen.prevTerm !== prevTerm || !sameEntry(seen.entry, e))
        fail(o.seed, step, `log matching: node ${n.id} has ${key} after term ${prevTerm}, another after ${seen.prevTerm}`);
    }
    for (const m of rd.messages) send(m);
    for (const e of rd.committedEntries) apply(n, e);
    for (const rs of rd.readStates) {
      if (o.mutate === 'staleRead') n.readsWaitingApply.push({ ctx: rs.ctx, index: 0 });
      else n.readsWaitingApply.push({ ctx: rs.ctx, index: rs.index });
    }
    answerReads(n);
    n.raft!.advance();
  };

  const crash = (n: SimNode): void => {
    n.raft = null;
    n.stash = null; // unpersisted entries, hard state and unsent messages are gone
    n.kv = new Map();
    n.appliedIndex = 0;
    n.readsWaitingApply = [];
    for (const [client, p] of pending) if (p.node === n.id) retire(client);
  };
  const restart = (n: SimNode): void => {
    restarts++;
    n.raft = makeRaft(n.id, n.storage);
  };

  const startClientOp = (client: number): void => {
    const alive = ids.filter((id) => nodes.get(id)!.raft !== null);
    if (alive.length === 0) return;
    let n = nodes.get(alive[rng.int(alive.length)]!)!;
    // Like the server's follower proxy: a write goes to the leader the contacted node knows of.
    const lead = n.raft!.status().lead;
    const leadNode = nodes.get(lead);
    if (chance(0.8) && leadNode !== undefined && leadNode.raft !== null) n = leadNode;
    const raft = n.raft!;
    const key = KEYS[rng.int(KEYS.length)]!;
    const opId = nextOpId++;
    const process = client * 100_000 + generation[client]!;
    if (chance(0.5)) {
      const value = `v${opId}`;
      const data = enc.encode(JSON.stringify({ op: opId, key, value } satisfies Command));
      const r = raft.propose([{ type: 'normal', timeMs: step, seed: opId, data }]);
      if (!r.ok) return; // definite failure: never proposed, not part of the history
      const op: RegisterOperation = { process, key, f: 'write', value, callNs: step, returnNs: null };
      history.push(op);
      pending.set(client, { client, op, node: n.id, startedAt: step, index: r.lastIndex, term: r.term, opId });
    } else if (o.mutate === 'localRead') {
      history.push({ process, key, f: 'read', value: n.kv.get(key) ?? null, callNs: step, returnNs: step });
      readsOk++;
    } else {
      const r = raft.readIndex(`r${opId}`);
      if (!r.ok) return;
      const op: RegisterOperation = { process, key, f: 'read', value: null, callNs: step, returnNs: null };
      history.push(op);
      pending.set(client, { client, op, node: n.id, startedAt: step, opId });
    }
  };

  const checkStep = (): void => {
    for (const n of nodes.values()) {
      if (n.raft === null) continue;
      const s = n.raft.status();
      if (s.role === 'leader') {
        const other = leaderOfTerm.get(s.term);
        if (other === undefined) leaderOfTerm.set(s.term, n.id);
        else if (other !== n.id) fail(o.seed, step, `election safety: nodes ${other} and ${n.id} both lead term ${s.term}`);
        // Leader completeness: every entry committed in an earlier term is in this leader's log;
        // by log matching, holding the highest one implies all below.
        let mustHave = 0;
        for (const [t, i] of maxIndexByCommitTerm) if (t < s.term && i > mustHave) mustHave = i;
        const top = committed.get(mustHave);
        if (top !== undefined && n.raft.logTerm(top.index) !== top.term)
          fail(o.seed, step, `leader completeness: leader ${n.id} (term ${s.term}) lacks committed ${top.index}/t${top.term}`);
      }
      if (s.applied > s.commit) fail(o.seed, step, `node ${n.id} applied ${s.applied} > commit ${s.commit}`);
    }
  };

  for (step = 1; step <= o.steps; step++) {
    // Ticks: each node's clock runs at its own jittery pace (one tick ≈ 4 steps).
    for (const n of nodes.values()) if (n.raft !== null && chance(0.25)) n.raft.tick();

    // Network: deliver due messages in random order (delays already reorder).
    const due = inflight.filter((f) => f.deliverAt <= step);
    inflight = inflight.filter((f) => f.deliverAt > step);
    while (due.length > 0) {
      const f = due.splice(rng.int(due.length), 1)[0]!;
      const to = nodes.get(f.msg.to)!;
      if (to.raft === null || !connected(f.msg.from, f.msg.to)) continue;
      to.raft.step(f.msg);
    }

    // Disk: take a ready (start a write) or finish one (fsync done → send, apply, advance).
    for (const n of nodes.values()) {
      if (n.raft === null) continue;
      if (n.stash !== null) {
        if (chance(0.6)) completeReady(n);
      } else if (chance(0.7) && n.raft.hasReady()) {
        n.stash = n.raft.ready();
      }
    }

    // Clients.
    for (let c = 0; c < CLIENTS; c++) {
      const p = pending.get(c);
      if (p === undefined) {
        if (chance(0.1)) startClientOp(c);
      } else if (step - p.startedAt > OP_TIMEOUT_STEPS) {
        if (p.op.f === 'read') history.splice(history.indexOf(p.op), 1); // a read without answer has no effect
        retire(c);
      }
    }

    // Faults.
    if (chance(0.003)) {
      const n = nodes.get(ids[rng.int(ids.length)]!)!;
      if (n.raft !== null) crash(n);
    }
    for (const n of nodes.values()) if (n.raft === null && chance(0.02)) restart(n);
    if (chance(0.004)) {
      groups = new Map(ids.map((id) => [id, rng.int(2)]));
    }
    if (chance(0.01)) groups = new Map();
    // Operator asks for a leadership transfer (to a random voter, possibly down or partitioned).
    if (chance(0.002)) {
      const n = nodes.get(ids[rng.int(ids.length)]!)!;
      n.raft?.transferLeadership(ids[rng.int(ids.length)]!);
    }

    checkStep();
  }

  // Ops still pending have unknown outcomes; unanswered reads carry no information.
  for (const p of pending.values()) if (p.op.f === 'read') history.splice(history.indexOf(p.op), 1);
  return {
    history,
    stats: { commits: maxCommitted, writesOk, readsOk, leaders: leaderOfTerm.size, crashes: restarts },
  };
}
