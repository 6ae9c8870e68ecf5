// Elle's list-append checker (Kingsbury & Alvaro, "Elle: Inferring Isolation Anomalies from
// Experimental Observations", VLDB 2020). Transactions append unique values to lists and read whole
// lists; because every list is append-only and every value unique, one read reveals the order of
// every append before it, so the version order of each key can be read off the longest read. From
// it come the dependency edges between transactions, and a cycle among them is an anomaly that no
// serial order explains. Pure: history in, verdict out.
//
// Edges (Adya's, on one key's version order x_0, x_1, ...):
// - ww: T1 appended x_i, T2 appended x_{i+1};
// - wr: T1 appended x_i, T2 read a list ending in x_i;
// - rw: T1 read a list ending in x_i (or empty), T2 appended x_{i+1} (x_0); and T1 read the key at
//   all, T2 committed an append to it that no read saw (T1's version cannot include it);
// - strict serializability adds real time (T1 returned before T2 was invoked) and process order
//   (consecutive transactions of one client).
// Cycles are found in the strongly connected components (iterative Tarjan) and classified by their
// edges: G0 (ww only), G1c (ww and wr), G-single (exactly one rw), G2 (two or more rw); a cycle that
// needs real-time or process edges gets `-realtime`/`-process` appended to its name. Non-cycle
// anomalies: G1a (aborted read), G1b (intermediate read), duplicate elements in a read,
// incompatible orders (between reads; 'internal': a read against its own transaction's earlier
// operations; 'non-atomic-append': one transaction's appends split or reordered), dirty updates and
// (strict) lost appends.
//
// 'info' transactions (outcome unknown) may or may not have committed: appends of theirs that some
// read observed are treated as committed, unobserved ones as never applied, and their reads say
// nothing. 'fail' transactions definitely did not commit and are not part of the graph.

import { validateTimes } from './history-validation.js';

export type MicroOp = { f: 'append'; key: string; value: number } | { f: 'r'; key: string; value: number[] | null };

/** 'ok' = committed, reads filled in; 'fail' = definitely did not happen; 'info' = unknown. */
export interface ListAppendTxn {
  process: number;
  type: 'ok' | 'fail' | 'info';
  ops: MicroOp[];
  callNs: number;
  returnNs: number | null;
}

export type AnomalyType =
  | 'G0'
  | 'G1a'
  | 'G1b'
  | 'G1c'
  | 'G-single'
  | 'G2'
  | 'incompatible-order'
  | 'duplicate-elements'
  | 'dirty-update'
  | 'lost-append';

export type EdgeKind = 'ww' | 'wr' | 'rw' | 'realtime' | 'process';

export interface AnomalyEdge {
  /** Indexes into the checked `txns` array. */
  from: number;
  to: number;
  kind: EdgeKind;
  /** The key that gave a ww/wr/rw edge. */
  key?: string;
}

export interface Anomaly {
  type: AnomalyType;
  /**
   * Elle's finer name: the type, or for cycles that need real-time/process edges the type plus
   * `-realtime`/`-process` (e.g. 'G-single-realtime'); 'garbage-read' for a G1a whose value no
   * transaction appended at all; 'internal' or 'non-atomic-append' for those incompatible orders. Always set by the checker; optional only so that hand-built
   * anomalies (e.g. in report tests) need not carry it.
   */
  name?: string;
  message: string;
  /** For cycles: the transactions in cycle order (the first again closes it). */
  txns: ListAppendTxn[];
  edges?: AnomalyEdge[];
}

export interface ListAppendCheckResult {
  ok: boolean;
  /** Reported anomalies; per type at most `maxAnomaliesPerType`, cycles at most `maxCycles`. */
  anomalies: Anomaly[];
  /**
   * How many anomalies of each type were found, including those not reported; cycle types count
   * the cycles of the components examined (all of them unless `maxCycles` was reached). Always set
   * by the checker; optional only so that hand-built results need not carry it.
   */
  anomalyCounts?: Partial<Record<AnomalyType, number>>;
  txnCount: number;
  message: string;
}

export interface ListAppendCheckOptions {
  /** Default 'strict-serializable' (what a Raft-replicated MULTI/EXEC promises). */
  consistency?: 'serializable' | 'strict-serializable';
  /** Cycle anomalies reported at most (default 100); every cyclic component is still counted. */
  maxCycles?: number;
  /** Non-cycle anomalies reported per type at most (default 100). */
  maxAnomaliesPerType?: number;
}

const CYCLES_MAX_DEFAULT = 100;
const ANOMALIES_PER_TYPE_MAX_DEFAULT = 100;
/**
 * rw edges tried per component when looking for a G-single cycle (each try is one BFS over the
 * component). A component whose G-single cycle is not found within that many tries is still
 * reported, as G2 or with real-time edges: only the finer classification is lost.
 */
const G_SINGLE_TRIES_MAX = 64;
/**
 * rw edges to writers of committed appends nobody read, at most: readers of a key times such
 * writers, small unless a history loses appends wholesale, when the cycles already found suffice.
 */
const UNSEEN_RW_EDGES_MAX = 2_000_000;
/** Cycles reported at most per component that real-time or process order closes. */
const ORDER_CYCLES_PER_COMPONENT_MAX = 10;
/** Data edges tried per cycle wanted there (tries whose cycle overlaps a reported one are lost). */
const ORDER_CYCLE_TRIES_PER_CYCLE = 8;
/** How many offending reads an incompatible-order anomaly lists. */
const INCOMPATIBLE_READS_SHOWN = 4;

const WW = 1;
const WR = 2;
const RW = 4;
const PROCESS = 8;
const REALTIME = 16;
const DATA = WW | WR | RW;
const ALL = DATA | PROCESS | REALTIME;
/** The kind an edge is reported as when it has several: ww, wr, then order edges, rw last, so a
 * cycle is classified as mildly as its edges allow. */
const KIND_PRIORITY: [number, EdgeKind][] = [
  [WW, 'ww'],
  [WR, 'wr'],
  [PROCESS, 'process'],
  [REALTIME, 'realtime'],
  [RW, 'rw'],
];

/** Where one (key, value) was appended. */
interface Write {
  txn: number;
  /** Whether a later op of the same transaction appended to the same key again. */
  intermediate: boolean;
}

/** One read of a committed transaction. */
interface Read {
  txn: number;
  key: string;
  values: number[];
}

export function checkListAppend(txns: ListAppendTxn[], opts: ListAppendCheckOptions = {}): ListAppendCheckResult {
  const strict = (opts.consistency ?? 'strict-serializable') === 'strict-serializable';
  const cyclesMax = opts.maxCycles ?? CYCLES_MAX_DEFAULT;
  const perTypeMax = opts.maxAnomaliesPerType ?? ANOMALIES_PER_TYPE_MAX_DEFAULT;
  txns.forEach(validate);

  const report = new Reporter(txns, perTypeMax);
  const writes = indexWrites(txns);
  const reads = collectReads(txns);
  checkReads(txns, reads, writes, report);
  checkInternal(txns, report);
  const { orders, orderReaders } = inferVersionOrders(reads, report);
  checkAtomicAppends(txns, orders, orderReaders, writes, report);

  // Graph members: committed transactions, and unknown ones some read proved took effect.
  const inGraph = new Uint8Array(txns.length);
  txns.forEach((t, i) => {
    if (t.type === 'ok') inGraph[i] = 1;
  });
  for (const [key, list] of reads) {
    for (const read of list) {
      for (const v of read.values) {
        const w = writes.get(key)?.get(v);
        if (w !== undefined && txns[w.txn]!.type === 'info') inGraph[w.txn] = 1;
      }
    }
  }

  const g = new Graph(txns.length);
  addDataEdges(g, txns, orders, reads, writes, inGraph, report);
  if (strict) {
    addRealtimeEdges(g, txns, inGraph);
    addProcessEdges(g, txns, inGraph);
    findLostAppends(txns, orders, reads, writes, report);
  }

  const members: number[] = [];
  for (let i = 0; i < txns.length; i++) if (inGraph[i] === 1) members.push(i);
  // Data-only components first, so that real-time edges never merge independent anomalies into
  // one component; then, under strict serializability, the components real-time or process order
  // closes that hold no data-only cycle.
  const dataComponents = stronglyConnected(g, members, DATA);
  let components = dataComponents.length;
  for (const component of dataComponents) {
    for (const cycle of dataCycles(g, component)) {
      if (report.cycles >= cyclesMax) break;
      report.cycle(cycle.type, cycle.name, cycle.edges);
    }
  }
  if (strict) {
    const inDataCycle = new Set(dataComponents.flat());
    for (const component of stronglyConnected(g, members, ALL)) {
      if (component.some((v) => inDataCycle.has(v))) continue;
      components++;
      if (report.cycles >= cyclesMax) continue;
      for (const cycle of orderCycles(g, txns, component, Math.min(ORDER_CYCLES_PER_COMPONENT_MAX, cyclesMax - report.cycles)))
        report.cycle(cycle.type, cycle.name, cycle.edges);
    }
  }

  return report.result(components, g.edgeCount, strict);
}

// ---------------------------------------------------------------------------------------------
// Reading the history

function indexWrites(txns: ListAppendTxn[]): Map<string, Map<number, Write>> {
  const writes = new Map<string, Map<number, Write>>();
  txns.forEach((t, i) => {
    const lastOfKey = new Map<string, Write>();
    for (const op of t.ops) {
      if (op.f !== 'append') continue;
      let byValue = writes.get(op.key);
      if (byValue === undefined) writes.set(op.key, (byValue = new Map()));
      // Uniqueness is what lets a read name its writers; a workload that breaks it is a bug.
      if (byValue.has(op.value))
        throw new RangeError(`list-append history: value ${op.value} appended to key ${JSON.stringify(op.key)} more than once (txns ${byValue.get(op.value)!.txn} and ${i})`);
      const w: Write = { txn: i, intermediate: false };
      byValue.set(op.value, w);
      const prev = lastOfKey.get(op.key);
      if (prev !== undefined) prev.intermediate = true;
      lastOfKey.set(op.key, w);
    }
  });
  return writes;
}

/** Reads of committed transactions, per key. An unknown transaction's reads prove nothing. */
function collectReads(txns: ListAppendTxn[]): Map<string, Read[]> {
  const reads = new Map<string, Read[]>();
  txns.forEach((t, i) => {
    if (t.type !== 'ok') return;
    for (const op of t.ops) {
      if (op.f !== 'r') continue;
      let list = reads.get(op.key);
      if (list === undefined) reads.set(op.key, (list = []));
      list.push({ txn: i, key: op.key, values: op.value ?? [] });
    }
  });
  return reads;
}

/** Anomalies visible in single reads: duplicates, aborted/garbage reads, intermediate reads. */
function checkReads(txns: ListAppendTxn[], reads: Map<string, Read[]>, writes: Map<string, Map<number, Write>>, report: Reporter): void {
  for (const [key, list] of reads) {
    const byValue = writes.get(key);
    for (const read of list) {
      const seen = new Set<number>();
      const dups = new Set<number>();
      for (const v of read.values) {
        if (seen.has(v)) dups.add(v);
        seen.add(v);
      }
      if (dups.size > 0)
        report.add('duplicate-elements', 'duplicate-elements', `T${read.txn} read key ${JSON.stringify(key)} with duplicate element(s) ${[...dups].join(', ')}: ${show(read.values)}`, [read.txn]);

      for (const v of seen) {
        const w = byValue?.get(v);
        if (w === undefined)
          report.add('G1a', 'garbage-read', `T${read.txn} read value ${v} of key ${JSON.stringify(key)}, which no transaction appended`, [read.txn]);
        else if (txns[w.txn]!.type === 'fail')
          report.add('G1a', 'G1a', `T${read.txn} read value ${v} of key ${JSON.stringify(key)}, appended by T${w.txn}, which failed (aborted read)`, [read.txn, w.txn]);
      }

      const last = read.values[read.values.length - 1];
      if (last === undefined) continue;
      const w = byValue?.get(last);
      if (w !== undefined && w.intermediate && w.txn !== read.txn && txns[w.txn]!.type !== 'fail')
        report.add('G1b', 'G1b', `T${read.txn} read key ${JSON.stringify(key)} ending in ${last}, an intermediate append of T${w.txn}, which appended to it again (intermediate read)`, [read.txn, w.txn]);
    }
  }
}

/**
 * Each key's version order is its longest read, provided every other read is a prefix of it.
 * Keys whose reads disagree are reported and left out of the graph: edges from an order that is
 * not one would only produce spurious cycles.
 */
function inferVersionOrders(reads: Map<string, Read[]>, report: Reporter): { orders: Map<string, number[]>; orderReaders: Map<string, number> } {
  const orders = new Map<string, number[]>();
  const orderReaders = new Map<string, number>();
  for (const [key, list] of reads) {
    let longest = list[0]!;
    for (const r of list) if (r.values.length > longest.values.length) longest = r;
    const order = longest.values;
    const offending = list.filter((r) => !isPrefix(r.values, order));
    if (offending.length === 0) {
      orders.set(key, order);
      orderReaders.set(key, longest.txn);
      continue;
    }
    const shown = offending.slice(0, INCOMPATIBLE_READS_SHOWN);
    report.add(
      'incompatible-order',
      'incompatible-order',
      `${offending.length} read(s) of key ${JSON.stringify(key)} are not prefixes of the longest read (T${longest.txn}: ${show(order)}), e.g. ` +
        shown.map((r) => `T${r.txn}: ${show(r.values)}`).join('; '),
      [longest.txn, ...shown.map((r) => r.txn)],
    );
  }
  return { orders, orderReaders };
}

/**
 * A committed transaction's reads must agree with its own earlier operations on the key (Elle's
 * "internal" check): after a read R and appends A it reads exactly R ++ A; with no earlier read,
 * a list ending in A and holding none of its later appends. Reported as an incompatible order
 * named 'internal'.
 */
function checkInternal(txns: ListAppendTxn[], report: Reporter): void {
  txns.forEach((t, i) => {
    if (t.type !== 'ok') return;
    const known = new Map<string, { read: number[] | null; appended: number[] }>();
    const pending = new Set(t.ops.flatMap((op) => (op.f === 'append' ? [`${op.key}/${op.value}`] : [])));
    for (const op of t.ops) {
      let k = known.get(op.key);
      if (k === undefined) known.set(op.key, (k = { read: null, appended: [] }));
      if (op.f === 'append') {
        k.appended.push(op.value);
        pending.delete(`${op.key}/${op.value}`);
        continue;
      }
      const values = op.value ?? [];
      const consistent =
        (k.read !== null ? sameList(values, [...k.read, ...k.appended]) : sameList(values.slice(values.length - k.appended.length), k.appended)) &&
        !values.some((v) => pending.has(`${op.key}/${v}`));
      if (!consistent)
        report.add(
          'incompatible-order',
          'internal',
          `T${i} read key ${JSON.stringify(op.key)} as ${show(values)} after its own ` +
            (k.read === null ? '' : `read of ${show(k.read)} and `) +
            `appends ${show(k.appended)}`,
          [i],
        );
      known.set(op.key, { read: values, appended: [] });
    }
  });
}

/**
 * A transaction's appends to one key take effect together and in its order: in the version order
 * they are all present, contiguous and in op order, or none is. (The transaction whose read gave
 * the order is exempt: it sees its own appends so far.) Reported as an incompatible order named
 * 'non-atomic-append'.
 */
function checkAtomicAppends(
  txns: ListAppendTxn[],
  orders: Map<string, number[]>,
  orderReaders: Map<string, number>,
  writes: Map<string, Map<number, Write>>,
  report: Reporter,
): void {
  for (const [key, order] of orders) {
    const byValue = writes.get(key);
    if (byValue === undefined) continue;
    const position = new Map(order.map((v, i) => [v, i]));
    const checked = new Set<number>([orderReaders.get(key)!]);
    for (const v of order) {
      const w = byValue.get(v);
      if (w === undefined || checked.has(w.txn) || txns[w.txn]!.type === 'fail') continue;
      checked.add(w.txn);
      const own = txns[w.txn]!.ops.flatMap((op) => (op.f === 'append' && op.key === key ? [op.value] : []));
      const at = own.map((x) => position.get(x));
      if (at.every((p, i) => p !== undefined && (i === 0 || p === at[i - 1]! + 1))) continue;
      report.add(
        'incompatible-order',
        'non-atomic-append',
        `T${w.txn} appended ${show(own)} to key ${JSON.stringify(key)}, but the version order (T${orderReaders.get(key)}: ${show(order)}) ` +
          `does not hold them together and in that order`,
        [w.txn, orderReaders.get(key)!],
      );
    }
  }
}

function sameList(a: number[], b: number[]): boolean {
  return a.length === b.length && isPrefix(a, b);
}

function isPrefix(a: number[], b: number[]): boolean {
  if (a.length > b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// The dependency graph

class Graph {
  readonly out: number[][];
  readonly from: number[] = [];
  readonly to: number[] = [];
  readonly mask: number[] = [];
  /** Per edge, the key that gave each data kind: [ww, wr, rw]. */
  readonly keys: (string | undefined)[][] = [];
  private readonly ids = new Map<number, number>();

  constructor(private readonly n: number) {
    this.out = Array.from({ length: n }, () => []);
  }

  get edgeCount(): number {
    return this.from.length;
  }

  add(a: number, b: number, kind: number, key?: string): void {
    if (a === b) return; // a transaction does not depend on itself
    const pair = a * this.n + b;
    let id = this.ids.get(pair);
    if (id === undefined) {
      id = this.from.length;
      this.ids.set(pair, id);
      this.from.push(a);
      this.to.push(b);
      this.mask.push(0);
      this.keys.push([undefined, undefined, undefined]);
      this.out[a]!.push(id);
    }
    this.mask[id]! |= kind;
    const slot = kind === WW ? 0 : kind === WR ? 1 : kind === RW ? 2 : -1;
    if (slot >= 0 && key !== undefined && this.keys[id]![slot] === undefined) this.keys[id]![slot] = key;
  }

  /** The edge as reported when only the `allowed` kinds count. */
  describe(id: number, allowed: number): AnomalyEdge {
    const m = this.mask[id]! & allowed;
    const [bit, kind] = KIND_PRIORITY.find(([b]) => (m & b) !== 0)!;
    const edge: AnomalyEdge = { from: this.from[id]!, to: this.to[id]!, kind };
    const key = bit === WW ? this.keys[id]![0] : bit === WR ? this.keys[id]![1] : bit === RW ? this.keys[id]![2] : undefined;
    if (key !== undefined) edge.key = key;
    return edge;
  }
}

function addDataEdges(
  g: Graph,
  txns: ListAppendTxn[],
  orders: Map<string, number[]>,
  reads: Map<string, Read[]>,
  writes: Map<string, Map<number, Write>>,
  inGraph: Uint8Array,
  report: Reporter,
): void {
  let unseenEdges = 0;
  for (const [key, order] of orders) {
    const byValue = writes.get(key);
    // Writer of each position, or -1 where the writer is not in the graph (failed, or garbage).
    const writer = order.map((v) => {
      const w = byValue?.get(v);
      return w !== undefined && inGraph[w.txn] === 1 ? w.txn : -1;
    });
    // ww: consecutive writers; a failed writer in between is skipped (and reported as dirty).
    let prev = -1;
    let failedBefore = -1;
    for (let i = 0; i < order.length; i++) {
      const w = writer[i]!;
      if (w === -1) {
        const bad = byValue?.get(order[i]!);
        if (bad !== undefined && txns[bad.txn]!.type === 'fail' && failedBefore === -1) failedBefore = bad.txn;
        continue;
      }
      if (failedBefore !== -1) {
        report.add('dirty-update', 'dirty-update', `T${w} appended ${order[i]} to key ${JSON.stringify(key)} after a value of T${failedBefore}, which failed`, [failedBefore, w]);
        failedBefore = -2; // once per key
      }
      if (prev !== -1) g.add(prev, w, WW, key);
      prev = w;
    }
    // Committed appends no read of this key saw (of committed transactions, or of unknown ones
    // seen on another key): every reader of the key read a version without them, so it
    // precedes their writer (rw) just as it precedes the writer of the next observed version.
    const inOrder = new Set(order);
    const unseenWriters = new Set<number>();
    for (const [v, w] of byValue ?? []) if (!inOrder.has(v) && inGraph[w.txn] === 1) unseenWriters.add(w.txn);
    for (const read of reads.get(key) ?? []) {
      const n = read.values.length;
      if (n > 0 && writer[n - 1]! !== -1) g.add(writer[n - 1]!, read.txn, WR, key);
      if (n < order.length && writer[n]! !== -1) g.add(read.txn, writer[n]!, RW, key);
      if (unseenEdges + unseenWriters.size > UNSEEN_RW_EDGES_MAX) continue;
      unseenEdges += unseenWriters.size;
      for (const w of unseenWriters) g.add(read.txn, w, RW, key);
    }
  }
}

/**
 * Real-time order, transitively reduced as Elle does: walking invocations and completions in time
 * order, the "frontier" holds completed transactions no later-invoked completed transaction
 * follows yet. A transaction invoked now follows everything in the frontier (edges to it); when it
 * completes it replaces its own predecessors there. Every real-time pair stays connected by a
 * path, with O(concurrency) edges per transaction instead of O(n).
 */
function addRealtimeEdges(g: Graph, txns: ListAppendTxn[], inGraph: Uint8Array): void {
  const events: { time: number; isCall: boolean; txn: number }[] = [];
  txns.forEach((t, i) => {
    if (inGraph[i] !== 1) return;
    events.push({ time: t.callNs, isCall: true, txn: i });
    if (t.returnNs !== null) events.push({ time: t.returnNs, isCall: false, txn: i });
  });
  // Calls before returns at equal times: a tie is concurrent, not ordered.
  events.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? a.txn - b.txn : a.isCall ? -1 : 1));
  const frontier = new Set<number>();
  const preds = new Map<number, number[]>();
  for (const ev of events) {
    if (ev.isCall) {
      const p = [...frontier];
      for (const f of p) g.add(f, ev.txn, REALTIME);
      preds.set(ev.txn, p);
    } else {
      for (const f of preds.get(ev.txn)!) frontier.delete(f);
      preds.delete(ev.txn);
      frontier.add(ev.txn);
    }
  }
}

/** One client's transactions run in the order it issued them (a pipelined connection included). */
function addProcessEdges(g: Graph, txns: ListAppendTxn[], inGraph: Uint8Array): void {
  const byProcess = new Map<number, number[]>();
  txns.forEach((t, i) => {
    if (inGraph[i] !== 1) return;
    let list = byProcess.get(t.process);
    if (list === undefined) byProcess.set(t.process, (list = []));
    list.push(i);
  });
  for (const list of byProcess.values()) {
    list.sort((a, b) => txns[a]!.callNs - txns[b]!.callNs || a - b);
    // After an unknown outcome the client may have given up on the transaction while it was still
    // in flight, so only a committed transaction orders the next one.
    for (let i = 1; i < list.length; i++) if (txns[list[i - 1]!]!.type === 'ok') g.add(list[i - 1]!, list[i]!, PROCESS);
  }
}

/**
 * An append of a committed transaction that the final version order lacks although the
 * transaction that read that order began after the append had committed: under strict
 * serializability the read had to see it, and lists never shrink. (An append some read did
 * observe cannot be lost silently: a later read missing it yields a cycle or an incompatible order.)
 */
function findLostAppends(txns: ListAppendTxn[], orders: Map<string, number[]>, reads: Map<string, Read[]>, writes: Map<string, Map<number, Write>>, report: Reporter): void {
  for (const [key, order] of orders) {
    const byValue = writes.get(key);
    if (byValue === undefined) continue;
    const inOrder = new Set(order);
    // The latest-invoked read that returned the full order.
    let reader = -1;
    for (const r of reads.get(key)!) if (r.values.length === order.length && (reader === -1 || txns[r.txn]!.callNs > txns[reader]!.callNs)) reader = r.txn;
    const readerCallNs = txns[reader]!.callNs;
    for (const [v, w] of byValue) {
      const t = txns[w.txn]!;
      if (t.type !== 'ok' || inOrder.has(v) || !(t.returnNs! < readerCallNs)) continue;
      report.add('lost-append', 'lost-append', `T${w.txn} appended ${v} to key ${JSON.stringify(key)} and committed before T${reader} was invoked, but T${reader} read ${show(order)}`, [w.txn, reader]);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Cycles

/**
 * Strongly connected components of size > 1 among `nodes`, over edges whose kinds meet `allowed`
 * and whose ends are both in `nodes`. Tarjan's algorithm with an explicit stack, so 100k
 * transactions in one component do not overflow the call stack.
 */
function stronglyConnected(g: Graph, nodes: number[], allowed: number): number[][] {
  const member = new Set(nodes);
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  const frames: { v: number; next: number }[] = [];
  for (const root of nodes) {
    if (index.has(root)) continue;
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    frames.push({ v: root, next: 0 });
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const v = frame.v;
      const out = g.out[v]!;
      if (frame.next < out.length) {
        const id = out[frame.next++]!;
        if ((g.mask[id]! & allowed) === 0) continue;
        const w = g.to[id]!;
        if (!member.has(w)) continue;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          frames.push({ v: w, next: 0 });
        } else if (onStack.has(w)) {
          low.set(v, Math.min(low.get(v)!, index.get(w)!));
        }
        continue;
      }
      frames.pop();
      if (low.get(v) === index.get(v)) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1) components.push(component);
      }
      if (frames.length > 0) {
        const parent = frames[frames.length - 1]!.v;
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
    }
  }
  return components;
}

/** Edge ids of a shortest path from `from` to `to` inside `member` over `allowed` kinds, or null. */
function shortestPath(g: Graph, from: number, to: number, allowed: number, member: Set<number>): number[] | null {
  if (from === to) return [];
  const via = new Map<number, number>([[from, -1]]);
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    for (const id of g.out[v]!) {
      if ((g.mask[id]! & allowed) === 0) continue;
      const w = g.to[id]!;
      if (via.has(w) || !member.has(w)) continue;
      via.set(w, id);
      if (w === to) {
        const path: number[] = [];
        for (let x = to; x !== from; x = g.from[via.get(x)!]!) path.push(via.get(x)!);
        return path.reverse();
      }
      queue.push(w);
    }
  }
  return null;
}

interface FoundCycle {
  type: AnomalyType;
  name: string;
  edges: AnomalyEdge[];
}

/** The shortest cycle through edge `id` within `member` whose other edges meet `allowed`. */
function cycleThrough(g: Graph, id: number, firstAllowed: number, allowed: number, member: Set<number>): AnomalyEdge[] | null {
  const back = shortestPath(g, g.to[id]!, g.from[id]!, allowed, member);
  if (back === null) return null;
  return [g.describe(id, firstAllowed), ...back.map((e) => g.describe(e, allowed))];
}

/** Edges of `component` (both ends inside) with some kind in `has` and none in `hasNot`. */
function* edgesWithin(g: Graph, component: number[], member: Set<number>, has: number, hasNot: number): Generator<number> {
  for (const v of component)
    for (const id of g.out[v]!) if ((g.mask[id]! & has) !== 0 && (g.mask[id]! & hasNot) === 0 && member.has(g.to[id]!)) yield id;
}

function classify(edges: AnomalyEdge[]): { type: AnomalyType; name: string } {
  const rw = edges.filter((e) => e.kind === 'rw').length;
  const wr = edges.some((e) => e.kind === 'wr');
  const type: AnomalyType = rw >= 2 ? 'G2' : rw === 1 ? 'G-single' : wr ? 'G1c' : 'G0';
  const suffix = edges.some((e) => e.kind === 'realtime') ? '-realtime' : edges.some((e) => e.kind === 'process') ? '-process' : '';
  return { type, name: type + suffix };
}

/**
 * The cycles a component of ww/wr/rw edges is reported with: one of each class it holds among G0,
 * G1c and G-single (else G2), each the shortest through the edge it was searched from.
 */
function dataCycles(g: Graph, component: number[]): FoundCycle[] {
  const found: FoundCycle[] = [];
  const member = new Set(component);
  const push = (edges: AnomalyEdge[] | null): boolean => {
    if (edges === null) return false;
    found.push({ ...classify(edges), edges });
    return true;
  };

  // G0: a cycle of ww edges alone.
  for (const sub of stronglyConnected(g, component, WW)) {
    const m = new Set(sub);
    const id = edgesWithin(g, sub, m, WW, 0).next().value;
    if (id !== undefined && push(cycleThrough(g, id, WW, WW, m))) break;
  }
  // G1c: a ww/wr cycle with at least one wr edge that is not also ww.
  for (const sub of stronglyConnected(g, component, WW | WR)) {
    const m = new Set(sub);
    const id = edgesWithin(g, sub, m, WR, WW).next().value;
    if (id !== undefined && push(cycleThrough(g, id, WR, WW | WR, m))) break;
  }
  // G-single: one rw edge closed by ww/wr edges; else G2 from a data-only component.
  let single = false;
  let tries = 0;
  for (const id of edgesWithin(g, component, member, RW, WW | WR)) {
    if (tries++ >= G_SINGLE_TRIES_MAX) break;
    if ((single = push(cycleThrough(g, id, RW, WW | WR, member)))) break;
  }
  if (!single) {
    for (const sub of stronglyConnected(g, component, DATA)) {
      const m = new Set(sub);
      const id = edgesWithin(g, sub, m, RW, WW | WR).next().value;
      if (id !== undefined && push(cycleThrough(g, id, RW, DATA, m))) break;
    }
  }
  // A component has a cycle, and a cycle whose rw edges all double as ww/wr is found as G0/G1c.
  if (found.length === 0) throw new Error(`list-append: no cycle found in a data component of ${component.length} txns`);
  return found;
}

/**
 * Cycles of a component without data-only cycles, each needing real-time or process order. Real
 * time and process order alone are acyclic, so every cycle has a data edge; in a history that
 * broke real time wholesale one component can span most of it, so up to `max` cycles are reported,
 * each through a different data edge and disjoint from the others, edges that point back in time
 * (to a transaction that returned before this one was invoked) first: they are the violations.
 */
function orderCycles(g: Graph, txns: ListAppendTxn[], component: number[], max: number): FoundCycle[] {
  const member = new Set(component);
  // How far back in time the edge points (how long its target had returned when its source was
  // invoked), or -Infinity if it does not.
  const backNs = (id: number): number => {
    const to = txns[g.to[id]!]!;
    return to.returnNs !== null && to.returnNs < txns[g.from[id]!]!.callNs ? txns[g.from[id]!]!.callNs - to.returnNs : -Infinity;
  };
  // Back in time first, shortest span first: a local contradiction makes a short cycle.
  const rank = (id: number): number => (backNs(id) === -Infinity ? Infinity : backNs(id));
  const candidates = [...edgesWithin(g, component, member, DATA, 0)];
  const ranks = new Map(candidates.map((id) => [id, rank(id)]));
  candidates.sort((x, y) => (ranks.get(x)! === ranks.get(y)! ? 0 : ranks.get(x)! < ranks.get(y)! ? -1 : 1));
  const used = new Set<number>();
  const found: FoundCycle[] = [];
  for (const id of candidates.slice(0, max * ORDER_CYCLE_TRIES_PER_CYCLE)) {
    if (found.length >= max) break;
    if (used.has(g.from[id]!) || used.has(g.to[id]!)) continue;
    const edges = cycleThrough(g, id, DATA, ALL, member);
    // Both ends lie in the component, so a way back exists.
    if (edges === null) throw new Error(`list-append: no cycle through an edge of a component of ${component.length} txns`);
    if (edges.some((e) => used.has(e.from))) continue;
    for (const e of edges) used.add(e.from);
    found.push({ ...classify(edges), edges });
  }
  if (found.length === 0) throw new Error(`list-append: no cycle found in a component of ${component.length} txns`);
  return found;
}

// ---------------------------------------------------------------------------------------------
// Reporting

class Reporter {
  readonly anomalies: Anomaly[] = [];
  readonly counts = new Map<AnomalyType, number>();
  cycles = 0;

  constructor(
    private readonly txns: ListAppendTxn[],
    private readonly perTypeMax: number,
  ) {}

  count(type: AnomalyType): number {
    const n = (this.counts.get(type) ?? 0) + 1;
    this.counts.set(type, n);
    return n;
  }

  add(type: AnomalyType, name: string, message: string, txnIndexes: number[]): void {
    if (this.count(type) > this.perTypeMax) return;
    this.anomalies.push({ type, name, message, txns: txnIndexes.map((i) => this.txns[i]!) });
  }

  cycle(type: AnomalyType, name: string, edges: AnomalyEdge[]): void {
    this.count(type);
    this.cycles++;
    const path = edges.map((e) => `T${e.from} -${e.kind}${e.key === undefined ? '' : `(${JSON.stringify(e.key)})`}-> `).join('') + `T${edges[0]!.from}`;
    const order = edges.map((e) => e.from);
    order.push(edges[0]!.from);
    this.anomalies.push({ type, name, message: `${name} cycle: ${path}`, txns: order.map((i) => this.txns[i]!), edges });
  }

  result(components: number, edgeCount: number, strict: boolean): ListAppendCheckResult {
    const anomalyCounts: Partial<Record<AnomalyType, number>> = {};
    for (const [type, n] of this.counts) anomalyCounts[type] = n;
    const ok = this.anomalies.length === 0;
    const kinds = { ok: 0, fail: 0, info: 0 };
    for (const t of this.txns) kinds[t.type]++;
    const summary =
      `${this.txns.length} txns (${kinds.ok} ok, ${kinds.fail} fail, ${kinds.info} info), ${edgeCount} edges, ` +
      `checked for ${strict ? 'strict-serializable' : 'serializable'}`;
    const message = ok
      ? `list-append ok: ${summary}`
      : `list-append NOT ok: ` +
        Object.entries(anomalyCounts)
          .map(([t, n]) => `${t} x${n}`)
          .join(', ') +
        (components > 0 ? ` (${components} cyclic component(s), ${this.cycles} cycle(s) reported)` : '') +
        `; ${summary}`;
    return { ok, anomalies: this.anomalies, anomalyCounts, txnCount: this.txns.length, message };
  }
}

function show(values: number[]): string {
  const LIST_SHOWN = 12;
  return values.length <= LIST_SHOWN ? `[${values.join(' ')}]` : `[${values.slice(0, 4).join(' ')} ... ${values.slice(-6).join(' ')}] (${values.length})`;
}

function validate(t: ListAppendTxn, i: number): void {
  // A malformed history is a recorder bug: crash loudly rather than return a verdict on garbage.
  const where = `list-append history: txn ${i}`;
  if (t.type !== 'ok' && t.type !== 'fail' && t.type !== 'info') throw new TypeError(`${where}: bad type ${JSON.stringify(t.type)}`);
  if (!Array.isArray(t.ops)) throw new TypeError(`${where}: ops is not an array`);
  validateTimes(where, { callNs: t.callNs, returnNs: t.returnNs });
  if (t.type === 'ok' && t.returnNs === null) throw new RangeError(`${where}: committed without returnNs`);
  for (const op of t.ops) {
    if (typeof op.key !== 'string') throw new TypeError(`${where}: op without a string key`);
    if (op.f === 'append') {
      if (!Number.isFinite(op.value)) throw new TypeError(`${where}: append of a non-number`);
    } else if (op.f === 'r') {
      if (t.type === 'ok' && op.value !== null && !Array.isArray(op.value)) throw new TypeError(`${where}: read result is neither a list nor null`);
    } else {
      throw new TypeError(`${where}: unknown op ${JSON.stringify((op as { f: unknown }).f)}`);
    }
  }
}
