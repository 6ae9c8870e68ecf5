// The run's history: every client op as an invoke event and its completion (ok / fail / info),
// and every nemesis start/stop, with times in ns since the run's t0 on one monotonic clock
// (process.hrtime). Pure bookkeeping: callers pass the times in.

export type OpType = 'invoke' | 'ok' | 'fail' | 'info';
export type OpValue = string | number | string[] | number[] | null;

export interface OpEvent {
  readonly kind: 'op';
  /** Logical client (Jepsen's process): at most one op in flight; a new number after an `info`. */
  readonly process: number;
  readonly type: OpType;
  /** The operation's function: read, write, add, incr, append, ... */
  readonly f: string;
  readonly key: string;
  /** invoke: the argument (value written, element added, delta); ok: the observed result. */
  readonly value: OpValue;
  readonly timeNs: number;
  /** The node the client talked to. */
  readonly node: number;
  readonly error?: string;
}

export interface NemesisEvent {
  readonly kind: 'nemesis';
  readonly type: 'start' | 'stop';
  readonly faultId: number;
  /** The variant, e.g. partition-halves. */
  readonly fault: string;
  /** What was done, with the nodes resolved (e.g. "killed 3 (pid 1234)"). */
  readonly detail: string;
  readonly timeNs: number;
}

export type HistoryEvent = OpEvent | NemesisEvent;

/** An op with its completion, the shape checkers and plots want. */
export interface CompletedOp {
  readonly process: number;
  readonly f: string;
  readonly key: string;
  /** The invoke's argument. */
  readonly arg: OpValue;
  readonly type: 'ok' | 'fail' | 'info';
  /** The completion's value (ok: the result). */
  readonly value: OpValue;
  readonly callNs: number;
  /** When the completion was recorded (also for info: when the client gave up). */
  readonly completeNs: number;
  readonly node: number;
  readonly error?: string;
}

export interface NemesisInterval {
  readonly faultId: number;
  readonly fault: string;
  readonly detail: string;
  readonly startNs: number;
  /** null: never stopped (the run was interrupted). */
  readonly stopNs: number | null;
}

export class History {
  readonly events: HistoryEvent[] = [];
  private readonly open = new Map<number, OpEvent>();

  invoke(process: number, f: string, key: string, value: OpValue, node: number, timeNs: number): void {
    if (this.open.has(process)) throw new Error(`invariant violated: process ${process} invoked ${f} while an op is in flight`);
    const e: OpEvent = { kind: 'op', process, type: 'invoke', f, key, value, node, timeNs };
    this.open.set(process, e);
    this.events.push(e);
  }

  complete(process: number, type: 'ok' | 'fail' | 'info', value: OpValue, timeNs: number, error?: string): void {
    const inv = this.open.get(process);
    if (inv === undefined) throw new Error(`invariant violated: process ${process} completed an op it never invoked`);
    if (timeNs < inv.timeNs) throw new Error(`invariant violated: process ${process} completed before it invoked`);
    this.open.delete(process);
    const e: OpEvent = { kind: 'op', process, type, f: inv.f, key: inv.key, value, node: inv.node, timeNs, ...(error !== undefined ? { error } : {}) };
    this.events.push(e);
  }

  nemesis(type: 'start' | 'stop', faultId: number, fault: string, detail: string, timeNs: number): void {
    this.events.push({ kind: 'nemesis', type, faultId, fault, detail, timeNs });
  }

  /** Processes with an op in flight (no completion yet). */
  inFlight(): number {
    return this.open.size;
  }
}

/**
 * Pairs each invoke with its completion. An invoke with no completion (the run was cut short)
 * counts as info: it may or may not have happened.
 */
export function completedOps(events: readonly HistoryEvent[]): CompletedOp[] {
  const pending = new Map<number, OpEvent>();
  const out: (CompletedOp | null)[] = [];
  const slot = new Map<number, number>();
  for (const e of events) {
    if (e.kind !== 'op') continue;
    if (e.type === 'invoke') {
      if (pending.has(e.process)) throw new Error(`history: process ${e.process} has two ops in flight`);
      pending.set(e.process, e);
      slot.set(e.process, out.length);
      out.push(null);
      continue;
    }
    const inv = pending.get(e.process);
    if (inv === undefined) throw new Error(`history: completion without invoke for process ${e.process}`);
    pending.delete(e.process);
    out[slot.get(e.process)!] = {
      process: e.process,
      f: inv.f,
      key: inv.key,
      arg: inv.value,
      type: e.type,
      value: e.value,
      callNs: inv.timeNs,
      completeNs: e.timeNs,
      node: inv.node,
      ...(e.error !== undefined ? { error: e.error } : {}),
    };
  }
  for (const [process, inv] of pending) {
    out[slot.get(process)!] = { process, f: inv.f, key: inv.key, arg: inv.value, type: 'info', value: null, callNs: inv.timeNs, completeNs: inv.timeNs, node: inv.node, error: 'no completion recorded' };
  }
  return out as CompletedOp[];
}

export function nemesisIntervals(events: readonly HistoryEvent[]): NemesisInterval[] {
  const started = new Map<number, { fault: string; detail: string; startNs: number }>();
  const out: NemesisInterval[] = [];
  for (const e of events) {
    if (e.kind !== 'nemesis') continue;
    if (e.type === 'start') {
      started.set(e.faultId, { fault: e.fault, detail: e.detail, startNs: e.timeNs });
      continue;
    }
    const s = started.get(e.faultId);
    if (s === undefined) continue;
    started.delete(e.faultId);
    out.push({ faultId: e.faultId, fault: s.fault, detail: `${s.detail}; ${e.detail}`, startNs: s.startNs, stopNs: e.timeNs });
  }
  for (const [faultId, s] of started) out.push({ faultId, ...s, stopNs: null });
  return out.sort((a, b) => a.startNs - b.startNs);
}

export function countByType(ops: readonly CompletedOp[]): { ok: number; fail: number; info: number } {
  const c = { ok: 0, fail: 0, info: 0 };
  for (const op of ops) c[op.type]++;
  return c;
}
