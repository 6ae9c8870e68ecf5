// Synchronous in-process network of Raft cores for unit tests: every ready is persisted,
// applied and its messages delivered at once, with optional drop/isolation filters.
import { MemoryStorage, Mulberry32, RaftNode } from '../../src/raft/core/index.js';
import type { Entry, Message, RaftConfig, ReadState } from '../../src/raft/core/index.js';

export interface HarnessOptions {
  readonly voters: readonly number[];
  readonly learners?: readonly number[];
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
  readonly electionTicks?: number;
  readonly heartbeatTicks?: number;
  readonly readOnlyOption?: RaftConfig['readOnlyOption'];
  readonly maxInflightMsgs?: number;
  readonly maxInflightBytes?: number;
  readonly seed?: number;
}

export class Harness {
  readonly nodes = new Map<number, RaftNode>();
  readonly storages = new Map<number, MemoryStorage>();
  readonly applied = new Map<number, Entry[]>();
  readonly readStates = new Map<number, ReadState[]>();
  /** Messages captured instead of delivered (for inspection). */
  readonly sent: Message[] = [];
  /** Return false to drop a message. */
  filter: (m: Message) => boolean = () => true;
  private readonly isolated = new Set<number>();

  constructor(private readonly opts: HarnessOptions) {
    for (const id of [...opts.voters, ...(opts.learners ?? [])]) this.start(id, new MemoryStorage());
  }

  start(id: number, storage: MemoryStorage): RaftNode {
    const o = this.opts;
    const node = new RaftNode({
      id,
      peers: o.voters,
      learners: o.learners ?? [],
      electionTicks: o.electionTicks ?? 10,
      heartbeatTicks: o.heartbeatTicks ?? 1,
      preVote: o.preVote ?? false,
      checkQuorum: o.checkQuorum ?? false,
      maxInflightMsgs: o.maxInflightMsgs ?? 256,
      maxInflightBytes: o.maxInflightBytes ?? 0,
      maxSizePerMsgBytes: 1024 * 1024,
      rng: new Mulberry32((o.seed ?? 1) * 7919 + id),
      storage,
      applied: 0,
      ...(o.readOnlyOption !== undefined ? { readOnlyOption: o.readOnlyOption } : {}),
    });
    this.nodes.set(id, node);
    this.storages.set(id, storage);
    this.applied.set(id, []);
    this.readStates.set(id, []);
    return node;
  }

  node(id: number): RaftNode {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  isolate(id: number): void {
    this.isolated.add(id);
  }
  recover(): void {
    this.isolated.clear();
    this.filter = () => true;
  }

  /** Processes readies and delivers messages until nothing moves. */
  stabilize(maxRounds = 10_000): void {
    for (let round = 0; round < maxRounds; round++) {
      const msgs: Message[] = [];
      for (const [id, n] of this.nodes) {
        if (!n.hasReady()) continue;
        const rd = n.ready();
        const st = this.storages.get(id)!;
        st.append(rd.entries);
        if (rd.hardState !== undefined) st.setHardState(rd.hardState);
        this.applied.get(id)!.push(...rd.committedEntries);
        this.readStates.get(id)!.push(...rd.readStates);
        msgs.push(...rd.messages);
        n.advance();
      }
      if (msgs.length === 0) return;
      for (const m of msgs) {
        this.sent.push(m);
        if (this.isolated.has(m.from) || this.isolated.has(m.to) || !this.filter(m)) continue;
        this.nodes.get(m.to)?.step(m);
      }
    }
    throw new Error('harness: did not stabilize');
  }

  tick(id: number, times = 1): void {
    for (let i = 0; i < times; i++) {
      this.node(id).tick();
      this.stabilize();
    }
  }

  tickAll(times = 1): void {
    for (let i = 0; i < times; i++) {
      for (const n of this.nodes.values()) n.tick();
      this.stabilize();
    }
  }

  /** Campaigns `id` and runs the network until quiet. */
  elect(id: number): void {
    this.node(id).campaign();
    this.stabilize();
  }

  leaders(): number[] {
    return [...this.nodes.values()].filter((n) => n.status().role === 'leader').map((n) => n.id);
  }

  propose(id: number, text: string): ReturnType<RaftNode['propose']> {
    const r = this.node(id).propose([{ type: 'normal', timeMs: 0, seed: 0, data: new TextEncoder().encode(text) }]);
    this.stabilize();
    return r;
  }

  /** Normal entries applied by `id`, decoded. */
  appliedTexts(id: number): string[] {
    return this.applied
      .get(id)!
      .filter((e) => e.type === 'normal')
      .map((e) => new TextDecoder().decode(e.data));
  }
}
