// A client slot: runs ops one at a time against one node, recording each in the history. After
// an op with unknown outcome the slot continues as a new process (Jepsen's rule: the old process
// may still have that op in flight) on a fresh connection. After a refused connection it moves
// to the next node. Ops are paced to the slot's share of the target rate.
import type { Redis } from 'ioredis';
import { seededRng, type Rng } from '../src/util/rng.js';
import type { NodeAddress } from './backends/backend.js';
import type { History } from './history.js';
import { opClient } from './op-client.js';
import { classifyError, connectFailure } from './outcome.js';
import type { Workload } from './workloads/workload.js';
import { WakeableSleep } from './wakeable-sleep.js';

export interface WorkerOptions {
  readonly slot: number;
  readonly concurrency: number;
  readonly nodes: readonly NodeAddress[];
  readonly workload: Workload;
  readonly history: History;
  readonly seed: number;
  /** Mean ms between this slot's op starts. */
  readonly intervalMs: number;
  readonly opTimeoutMs: number;
  readonly nowNs: () => number;
}

/** After a refused connection, wait this long before the next op (a dead node refuses at once). */
const BACKOFF_AFTER_REFUSAL_MS = 100;

export class ClientWorker {
  process: number;
  private nodeIndex: number;
  private client: Redis | null = null;
  private stopped = false;
  private readonly rng: Rng;
  private readonly pause = new WakeableSleep();

  constructor(private readonly o: WorkerOptions) {
    this.process = o.slot;
    this.nodeIndex = o.slot % o.nodes.length;
    this.rng = seededRng((o.seed * 1000003 + o.slot) >>> 0);
  }

  stop(): void {
    this.stopped = true;
    this.pause.wakeNow();
  }

  async run(): Promise<void> {
    let nextStartMs = performance.now();
    while (!this.stopped) {
      await this.runOne();
      nextStartMs += this.o.intervalMs * (0.5 + this.rng.next());
      const now = performance.now();
      // Fell behind (slow ops): do not burst to catch up.
      if (nextStartMs < now) nextStartMs = now;
      else await this.sleep(nextStartMs - now);
    }
    this.client?.disconnect();
    this.client = null;
  }

  private async runOne(): Promise<void> {
    const { history, nowNs, workload } = this.o;
    const op = workload.nextOp(this.rng);
    const node = this.o.nodes[this.nodeIndex]!;
    history.invoke(this.process, op.f, op.key, op.value, node.id, nowNs());
    if (this.client === null || this.client.status !== 'ready') {
      this.client?.disconnect();
      this.client = opClient(node, this.o.opTimeoutMs);
      try {
        await this.client.connect();
      } catch (e) {
        const out = connectFailure(e);
        history.complete(this.process, out.type, null, nowNs(), out.error);
        this.client.disconnect();
        this.client = null;
        this.nodeIndex = (this.nodeIndex + 1) % this.o.nodes.length;
        await this.sleep(BACKOFF_AFTER_REFUSAL_MS);
        return;
      }
    }
    try {
      const value = await workload.execute(this.client, op);
      history.complete(this.process, 'ok', value, nowNs());
    } catch (e) {
      const out = classifyError(e);
      history.complete(this.process, out.type, null, nowNs(), out.error);
      if (out.type === 'info') {
        this.process += this.o.concurrency;
        this.client.disconnect();
        this.client = null;
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return this.pause.sleep(ms);
  }
}
