// Linearizability of registers: the Wing & Gong search with Lowe's memoization, as Porcupine runs
// it, partitioned per key (P-compositionality: a history is linearizable iff each key's
// sub-history is). Pure: operations in, verdict out; no clock, no I/O, no randomness.
//
// The search walks a doubly linked list of call/return events in time order. At a call it tries to
// linearize that operation next (the model must accept it); at a return whose operation is still
// not linearized it backtracks. Every configuration reached — (set of linearized ops, register
// value) — is remembered, so no configuration is explored twice (Lowe's cache). On top of that,
// each argued where it is implemented:
//
// - Read-only ops the register can serve now are linearized with no backtrack point ("forced").
// - The op the earliest pending return calls for is tried first (Lowe's just-in-time idea, as an
//   ordering): on linearizable histories the first path is then usually the right one.
// - Unknown-outcome ops (no return event) may take effect any time after their call, or never. The
//   search succeeds once every completed op is linearized; unknown mutations nobody observed are
//   dropped up front, the others are tried only when stuck and only right before an observer, and
//   equal ones are interchangeable, with "more of them left unused" dominating in the cache.
// - When the exact search runs long on a key with unknown mutations, a relaxed search (unknown
//   mutations may take effect any number of times) tries to refute it cheaply: every linearization
//   is also a relaxed one, so a relaxed failure is a real failure.

/**
 * One client operation on one key, as a chaos workload or the simulator records it.
 *
 * - `f: 'read'`: `value` is the value observed (null = key absent). A read with unknown outcome
 *   (`returnNs: null`) carries no information and is ignored.
 * - `f: 'write'`: `value` is the value written (null = the key was deleted).
 * - `f: 'cas'`: compare-and-set that succeeded (or whose outcome is unknown): `expected` is the
 *   value the register had to hold (null = absent, i.e. SET NX) and `value` the value it then
 *   holds. A cas that definitely failed is left out of the history (conservative: a failed cas
 *   only proves the register held something else, which this checker does not use).
 *
 * Times are any monotonic clock (ns by convention). Operation A precedes B iff
 * `A.returnNs < B.callNs`; equal times count as concurrent, the safe reading of a tie.
 * `returnNs: null` = outcome unknown (timed out, connection lost, node crashed): the operation
 * may take effect at any time after `callNs`, or never. `process` is only reported, never used:
 * real-time order alone decides, so pipelined operations of one connection are fine.
 */
export interface RegisterOperation {
  process: number;
  key: string;
  f: 'read' | 'write' | 'cas';
  value: string | null;
  /** cas only: the value the register must hold for the swap to happen (null = absent). */
  expected?: string | null;
  callNs: number;
  returnNs: number | null;
}

export type RegisterCheckResult =
  | { ok: true }
  | {
      ok: false;
      /** The first key (in sorted order) whose sub-history is not linearizable. */
      key: string;
      message: string;
      /** Ops of that key around the frontier: the op that cannot take effect, the ops concurrent
       * with it and the last ops of the longest linearizable prefix, in call order. */
      window: RegisterOperation[];
    };

/** Window size limit, so a report stays readable even with many long-pending unknown writes. */
const WINDOW_OPS_MAX = 40;
/** How many ops of the longest linearizable prefix the window shows. */
const WINDOW_PREFIX_OPS = 6;
/** How many distinct register values the failure message lists. */
const MESSAGE_VALUES_MAX = 8;

const KIND_READ = 0;
const KIND_WRITE = 1;
const KIND_CAS = 2;
/** Interned id of null (absent), the initial state of every register. */
const NULL_VALUE = 0;

type KeyFailure = { message: string; window: RegisterOperation[] };

export interface RegisterCheckOptions {
  /**
   * Configurations explored per key and search before giving up (each costs ~150 bytes while the
   * key is checked). Deciding linearizability is NP-complete; a history with many unknown outcomes
   * over few distinct values can exceed any budget. Past it the checker throws rather than guess:
   * neither verdict is known. Writing unique values avoids the problem almost entirely.
   */
  readonly maxConfigurationsPerKey?: number;
}

/** 1M configurations: ~150 MB and about a second or two per search at most. */
const CONFIGURATIONS_PER_KEY_MAX = 1_000_000;
/** Budget of the first, exact attempt on keys with unknown-outcome mutations: per op, plus a floor. */
const EXACT_FIRST_CONFIGS_PER_OP = 32;
const EXACT_FIRST_CONFIGS_MIN = 10_000;

export function checkRegisterLinearizability(ops: RegisterOperation[], options: RegisterCheckOptions = {}): RegisterCheckResult {
  const configsMax = options.maxConfigurationsPerKey ?? CONFIGURATIONS_PER_KEY_MAX;
  const byKey = groupByKey(ops);
  // Sorted so that the reported key does not depend on the order ops were recorded in.
  for (const key of [...byKey.keys()].sort()) {
    const failure = checkKey(byKey.get(key)!, configsMax);
    if (failure !== null) return { ok: false, key, message: failure.message, window: failure.window };
  }
  return { ok: true };
}

/**
 * The relaxed check alone: as if every unknown-outcome mutation could take effect any number of
 * times. Every linearization of the real history is one of the relaxed history, so `ok: false`
 * here proves the real history is not linearizable (`ok: true` proves nothing). The full check
 * falls back on it for hard keys; exported so that it can be tested on its own.
 */
export function refuteWithReusableUnknowns(ops: RegisterOperation[], options: RegisterCheckOptions = {}): RegisterCheckResult {
  const configsMax = options.maxConfigurationsPerKey ?? CONFIGURATIONS_PER_KEY_MAX;
  const byKey = groupByKey(ops);
  for (const key of [...byKey.keys()].sort()) {
    const h = prepare(byKey.get(key)!);
    if (h.kind === 'failure') return { ok: false, key, ...h.failure };
    const outcome = search(h, true, configsMax);
    if (outcome.kind === 'budget') throw new Error(`register linearizability: relaxed search gave up on key ${JSON.stringify(key)}`);
    if (outcome.kind === 'failed') return { ok: false, key, ...explainFrontier(h, outcome) };
  }
  return { ok: true };
}

function groupByKey(ops: RegisterOperation[]): Map<string, RegisterOperation[]> {
  const byKey = new Map<string, RegisterOperation[]>();
  for (const op of ops) {
    validate(op);
    let list = byKey.get(op.key);
    if (list === undefined) byKey.set(op.key, (list = []));
    list.push(op);
  }
  return byKey;
}

function validate(op: RegisterOperation): void {
  // A malformed history is a recorder bug: crash loudly rather than return a verdict on garbage.
  if (typeof op.key !== 'string') throw new TypeError(`register history: op without a string key: ${show(op)}`);
  if (op.f !== 'read' && op.f !== 'write' && op.f !== 'cas') throw new TypeError(`register history: unknown f: ${show(op)}`);
  if (op.value !== null && typeof op.value !== 'string') throw new TypeError(`register history: value must be string or null: ${show(op)}`);
  if (op.f === 'cas' && op.expected === undefined) throw new TypeError(`register history: cas without expected: ${show(op)}`);
  if (!Number.isFinite(op.callNs)) throw new RangeError(`register history: callNs not finite: ${show(op)}`);
  if (op.returnNs !== null && !(Number.isFinite(op.returnNs) && op.returnNs >= op.callNs))
    throw new RangeError(`register history: returnNs must be null or >= callNs: ${show(op)}`);
}

function checkKey(all: RegisterOperation[], configsMax: number): KeyFailure | null {
  const h = prepare(all);
  if (h.kind === 'failure') return h.failure;
  let outcome: SearchOutcome;
  if (!h.hasUnknown) {
    outcome = search(h, false, configsMax);
  } else {
    // Exact search first: on linearizable histories it is quick (under ~10 configurations per op
    // even at concurrency 10). If it runs long, a relaxed search may refute the history far more
    // cheaply; only if that accepts is the full exact search run.
    const firstBudget = Math.min(Math.floor(configsMax / 4), EXACT_FIRST_CONFIGS_PER_OP * h.n + EXACT_FIRST_CONFIGS_MIN);
    outcome = search(h, false, Math.max(1, firstBudget));
    if (outcome.kind === 'budget') {
      const relaxed = search(h, true, configsMax);
      outcome = relaxed.kind === 'failed' ? relaxed : search(h, false, configsMax);
    }
  }
  if (outcome.kind === 'ok') return null;
  if (outcome.kind === 'failed') {
    // The same search again, now watching the blocked op: which values could it have met? Only on
    // failure, so the hot loop pays one comparison for it.
    const again = search(h, outcome.relaxed, Number.MAX_SAFE_INTEGER, outcome.blocked);
    if (again.kind === 'failed') outcome = again;
  }
  if (outcome.kind === 'budget')
    throw new Error(
      `register linearizability: gave up on key ${JSON.stringify(all[0]!.key)} after ${configsMax} configurations ` +
        `(${h.n} ops, ${h.unknownKinds} kinds of unknown-outcome mutation): the history is too ambiguous to decide`,
    );
  return explainFrontier(h, outcome);
}

/** One key's history, prepared for the search: ops in call order, values interned, events sorted. */
interface Prepared {
  readonly kind: 'prepared';
  readonly ops: RegisterOperation[];
  readonly n: number;
  readonly names: (string | null)[];
  readonly opKind: Uint8Array;
  readonly val: Int32Array;
  readonly exp: Int32Array;
  /** Events in time order: the op of each, and whether it is the call (1) or the return (0). */
  readonly evOp: Int32Array;
  readonly evCall: Uint8Array;
  readonly callEv: Int32Array;
  /** -1 for unknown-outcome ops: they never return. */
  readonly retEv: Int32Array;
  /** Unknown-outcome ops: the class of interchangeable ones (same kind, expected, value); else -1. */
  readonly unknownClass: Int32Array;
  readonly unknownKinds: number;
  readonly hasUnknown: boolean;
}

function prepare(all: RegisterOperation[]): Prepared | { kind: 'failure'; failure: KeyFailure } {
  // Values anyone observed: only these make an unknown-outcome mutation matter. One whose value
  // nobody saw can be deleted from any linearization (the next op to care is a write), so it is
  // dropped here rather than doubling the search space.
  const observed = new Set<string | null>();
  for (const op of all) {
    if (op.f === 'read' && op.returnNs !== null) observed.add(op.value);
    if (op.f === 'cas') observed.add(op.expected ?? null);
  }
  const ops = all.filter((op) => {
    if (op.f === 'read') return op.returnNs !== null; // an unanswered read says nothing
    return op.returnNs !== null || observed.has(op.value);
  });
  // Stable sort: op index = call order, which the cache key relies on.
  ops.sort((a, b) => a.callNs - b.callNs);

  const unexplained = findUnwrittenRead(ops);
  if (unexplained !== null) return { kind: 'failure', failure: unexplained };

  const n = ops.length;
  const ids = new Map<string, number>();
  const names: (string | null)[] = [null];
  const intern = (v: string | null): number => {
    if (v === null) return NULL_VALUE;
    let id = ids.get(v);
    if (id === undefined) {
      ids.set(v, (id = names.length));
      names.push(v);
    }
    return id;
  };
  const opKind = new Uint8Array(n);
  const val = new Int32Array(n);
  const exp = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const op = ops[i]!;
    opKind[i] = op.f === 'read' ? KIND_READ : op.f === 'write' ? KIND_WRITE : KIND_CAS;
    val[i] = intern(op.value);
    exp[i] = op.f === 'cas' ? intern(op.expected ?? null) : 0;
  }

  // At equal times calls come first (ties are concurrent), and calls keep op order, so walking the
  // list meets calls in increasing op index.
  const events: { time: number; isCall: boolean; op: number }[] = [];
  for (let i = 0; i < n; i++) {
    const op = ops[i]!;
    events.push({ time: op.callNs, isCall: true, op: i });
    if (op.returnNs !== null) events.push({ time: op.returnNs, isCall: false, op: i });
  }
  events.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? a.op - b.op : a.isCall ? -1 : 1));
  const evOp = new Int32Array(events.length);
  const evCall = new Uint8Array(events.length);
  const callEv = new Int32Array(n);
  const retEv = new Int32Array(n).fill(-1);
  events.forEach((ev, k) => {
    evOp[k] = ev.op;
    evCall[k] = ev.isCall ? 1 : 0;
    if (ev.isCall) callEv[ev.op] = k;
    else retEv[ev.op] = k;
  });

  const unknownClass = new Int32Array(n).fill(-1);
  const classes = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    if (retEv[i] !== -1) continue;
    const name = `${opKind[i]}:${exp[i]}:${val[i]}`;
    let c = classes.get(name);
    if (c === undefined) classes.set(name, (c = classes.size));
    unknownClass[i] = c;
  }
  return {
    kind: 'prepared', ops, n, names, opKind, val, exp, evOp, evCall, callEv, retEv, unknownClass,
    unknownKinds: classes.size, hasUnknown: classes.size > 0,
  };
}

type SearchOutcome =
  | { kind: 'ok' }
  | { kind: 'budget' }
  | {
      kind: 'failed';
      relaxed: boolean;
      /** The op whose return no configuration got past. */
      blocked: number;
      /** Values the register held while that op was pending (when watched), else at its return. */
      values: Set<number>;
      /** The last ops linearized before the first such configuration, and how many there were. */
      prefix: number[];
      prefixLength: number;
    };

/** Thrown inside a search when its configuration budget runs out; caught by `search`. */
const BUDGET_EXHAUSTED = new Error('register linearizability: configuration budget exhausted');

/**
 * The WGL search over one key. `relaxed`: unknown-outcome mutations may take effect any number of
 * times (they stay in the list once used); every real linearization is a relaxed one, so a relaxed
 * failure is a real failure, and the relaxed search has no subsets of used unknown ops to explore.
 */
function search(h: Prepared, relaxed: boolean, budget: number, watch = -1): SearchOutcome {
  const { n, opKind: kind, val, exp, evOp, evCall, callEv, retEv, unknownClass } = h;
  const e = evOp.length;
  const head = e; // sentinel
  const next = new Int32Array(e + 1);
  const prev = new Int32Array(e + 1);
  for (let k = 0; k < e; k++) {
    next[k] = k + 1 < e ? k + 1 : -1;
    prev[k] = k === 0 ? head : k - 1;
  }
  next[head] = e > 0 ? 0 : -1;
  prev[head] = -1;

  const unlink = (k: number): void => {
    next[prev[k]!] = next[k]!;
    if (next[k] !== -1) prev[next[k]!] = prev[k]!;
  };
  const relink = (k: number): void => {
    if (next[k] !== -1) prev[next[k]!] = k;
    next[prev[k]!] = k;
  };
  // Dancing links: undo happens in exact reverse order, so the removed node's pointers still fit.
  const lift = (i: number): void => {
    unlink(callEv[i]!);
    if (retEv[i] !== -1) unlink(retEv[i]!);
  };
  const unlift = (i: number): void => {
    if (retEv[i] !== -1) relink(retEv[i]!);
    relink(callEv[i]!);
  };
  /** Relaxed mode: an unknown mutation is used without being consumed. */
  const reusable = (i: number): boolean => relaxed && retEv[i] === -1;

  // Search state. `maxLin` is the highest linearized op index; the stack holds one frame per
  // linearized op with what is needed to undo it and how it was chosen. Plain arrays: in relaxed
  // mode the depth is not bounded by n (a reused op can appear many times on one path).
  let state = NULL_VALUE;
  let maxLin = -1;
  let depth = 0;
  const stackOp: number[] = [];
  const stackState: number[] = [];
  const stackMaxLin: number[] = [];
  const stackHow: number[] = [];
  /** For a preferred frame: the call event the walk had reached, to resume at when it fails. */
  const stackResume: number[] = [];
  /** The cache entry of the configuration each frame leads to; marked done when popped. */
  const stackEntry: (CacheEntry | null)[] = [];
  /** Per configuration depth: the last skipped unknown mutation tried there (event index). */
  const deferredTried: number[] = [-1];
  /** Per configuration depth: whether the op its earliest deadline calls for was tried first. */
  const preferredTried: number[] = [0];

  // Cache key of a configuration: (value, maxLin, ops below maxLin not yet linearized). That set
  // is exactly the calls at the front of the list: no return event can precede a linearized op's
  // call (the pointer never passes an unlinearized return), and calls come in op order. It stays
  // short — the ops concurrent with the frontier plus observed unknown writes — where a bitset of
  // all n ops would cost n/8 bytes per remembered configuration.
  //
  // Unknown-outcome ops in that set are named by their class, not by which op they are: they have
  // no return, so once their call is passed they stay callable forever, and two of the same class
  // are interchangeable. More of them unused can only help (any continuation that works with fewer
  // works with more), so a configuration whose unused unknown ops are a sub-multiset of those of a
  // failed configuration with the same value and completed ops fails too. Without this, every
  // combination of used unknown writes of a few distinct values is a separate configuration.
  //
  // Dominance only prunes against configurations whose search has *finished*: exact mode is
  // acyclic, so finished means failed. Equality prunes against any configuration, finished or on
  // the stack; on the stack that only happens in relaxed mode (values can cycle a→b→a through
  // reused unknown writes), where the search is plain reachability with a visited set (unused
  // multisets never change there, so dominance is equality).
  //
  // The map key is a Zobrist hash of (value, maxLin, linearized completed ops), kept up to date in
  // O(1) per step; entries keep the exact hole list and are compared on a hash match, so a hash
  // collision costs a comparison, never a wrong verdict.
  const zobrist = new Int32Array(2 * n);
  let seed = 0x9e3779b9 ^ n;
  for (let i = 0; i < zobrist.length; i++) zobrist[i] = seed = splitmix32(seed);
  let hashLo = 0;
  let hashHi = 0;
  const seen = new Map<number, CacheEntry[]>();
  // Plain arrays: V8 allocates small typed arrays far more slowly (each has its own buffer).
  const holes: number[] = [];
  let configs = 0;
  /** Records the configuration the top frame leads to; false if it was seen or is dominated. */
  const remember = (): boolean => {
    let holeCount = 0;
    let unused: number[] | null = null;
    for (let k = next[head]!; k !== -1 && evCall[k] === 1 && evOp[k]! < maxLin; k = next[k]!) {
      const j = evOp[k]!;
      if (unknownClass[j] === -1) holes[holeCount++] = j;
      else (unused ??= []).push(unknownClass[j]!);
    }
    const mix = Math.imul(state + 1, 0x85ebca6b) ^ Math.imul(maxLin + 2, 0xc2b2ae35);
    const key = ((hashHi ^ mix) >>> 0) * 0x200000 + ((hashLo ^ Math.imul(mix, 0x27d4eb2f)) & 0x1fffff);
    const mineUnused = unused === null ? NO_UNKNOWN : unused.sort((x, y) => x - y);
    let bucket = seen.get(key);
    if (bucket === undefined) seen.set(key, (bucket = []));
    let w = 0;
    for (const other of bucket) {
      if (other.state === state && other.maxLin === maxLin && sameHoles(other.holes, holes, holeCount)) {
        if (other.done ? subMultiset(mineUnused, other.unused) : sameMultiset(mineUnused, other.unused)) return false;
        // A finished entry that `mine` contains is now redundant: `mine` will prune more once done.
        if (other.done && subMultiset(other.unused, mineUnused)) continue;
      }
      bucket[w++] = other;
    }
    bucket.length = w;
    const mine: CacheEntry = { state, maxLin, holes: holes.slice(0, holeCount), unused: mineUnused, done: false };
    bucket.push(mine);
    stackEntry[depth - 1] = mine;
    if (++configs > budget) throw BUDGET_EXHAUSTED;
    return true;
  };

  /** Linearizes op i next (the model accepted it); false, undone, if seen or dominated. */
  const push = (i: number, how: number): boolean => {
    stackOp[depth] = i;
    stackState[depth] = state;
    stackMaxLin[depth] = maxLin;
    stackHow[depth] = how;
    stackEntry[depth] = null;
    depth++;
    if (!reusable(i)) {
      lift(i);
      if (unknownClass[i] === -1) {
        hashLo ^= zobrist[2 * i]!;
        hashHi ^= zobrist[2 * i + 1]!;
      }
      if (i > maxLin) maxLin = i;
    }
    if (kind[i] !== KIND_READ) state = val[i]!;
    if (remember()) {
      deferredTried[depth] = -1;
      preferredTried[depth] = 0;
      return true;
    }
    pop();
    return false;
  };
  /** Undoes the top frame; returns its op. The configuration it led to is finished. */
  const pop = (): number => {
    depth--;
    const entry = stackEntry[depth];
    if (entry !== null && entry !== undefined) entry.done = true;
    stackEntry[depth] = null;
    const i = stackOp[depth]!;
    state = stackState[depth]!;
    maxLin = stackMaxLin[depth]!;
    if (!reusable(i)) {
      unlift(i);
      if (unknownClass[i] === -1) {
        hashLo ^= zobrist[2 * i]!;
        hashHi ^= zobrist[2 * i + 1]!;
      }
    }
    return i;
  };

  // Unknown mutations. Normal form: in any linearization, an unknown mutation of value v that is
  // not immediately followed by an observer of v (a read of v, a cas expecting v) can be deleted —
  // the next op then is a write, which does not care — and so can one that leaves the value as it
  // was. One that is followed by an observer sits where that observer is callable. So an unknown
  // mutation is tried only while it changes the value and some observer's call is reachable
  // (before the first pending return), and only once the configuration is stuck: configurations
  // that spend fewer unknown ops are explored first, and then dominate the ones that spend more.
  const unknownUseful = (i: number): boolean => {
    if (val[i] === state || (kind[i] === KIND_CAS && exp[i] !== state)) return false;
    const v = val[i]!;
    for (let k = next[head]!; k !== -1 && evCall[k] === 1; k = next[k]!) {
      const j = evOp[k]!;
      if (j !== i && (kind[j] === KIND_READ ? val[j] === v : kind[j] === KIND_CAS && exp[j] === v)) return true;
    }
    return false;
  };
  /** At a stuck configuration, linearizes the next skipped unknown mutation not yet tried there. */
  const tryDeferred = (): boolean => {
    for (let k = next[head]!; k !== -1 && evCall[k] === 1; k = next[k]!) {
      const i = evOp[k]!;
      if (k <= deferredTried[depth]! || retEv[i] !== -1 || !unknownUseful(i)) continue;
      deferredTried[depth] = k;
      if (push(i, HOW_DEFERRED)) return true;
    }
    return false;
  };

  // Order only, for speed on linearizable histories (any order of trying candidates is complete):
  // Lowe's just-in-time idea. The unlinearized op that returns first must be linearized before
  // that return, so at a configuration first try the op it calls for — the returning write itself,
  // or for a returning read the write of the value it saw — rather than whichever write was called
  // first. Eager call-order linearization of concurrent writes is what backtracks most otherwise.
  const preferred = (): number => {
    let r = next[head]!;
    while (r !== -1 && evCall[r] === 1) r = next[r]!;
    if (r === -1) return -1;
    const x = evOp[r]!;
    if (kind[x] === KIND_WRITE) return x;
    if (kind[x] === KIND_CAS) return exp[x] === state ? x : -1;
    const v = val[x]!;
    if (v === state) return -1;
    for (let k = next[head]!; k !== r; k = next[k]!) {
      const j = evOp[k]!;
      if (retEv[j] !== -1 && val[j] === v && (kind[j] === KIND_WRITE || (kind[j] === KIND_CAS && exp[j] === state))) return j;
    }
    return -1;
  };
  /** A completed read-only op after event `from`, before the first return, the model accepts now. */
  const readableNow = (from: number): number => {
    for (let k = next[from]!; k !== -1 && evCall[k] === 1; k = next[k]!) {
      const j = evOp[k]!;
      if (retEv[j] === -1) continue;
      if (kind[j] === KIND_READ ? val[j] === state : kind[j] === KIND_CAS && exp[j] === state && val[j] === state) return j;
    }
    return -1;
  };

  /** The current configuration failed: pops frames until one leaves an alternative. */
  const backtrack = (): number => {
    while (depth > 0) {
      const how = stackHow[depth - 1]!;
      const i = pop();
      // A forced (read-only) step had no alternative: its failure is its parent's failure.
      if (how === HOW_NEXT) return next[callEv[i]!]!;
      if (how === HOW_PREFERRED) return stackResume[depth]!;
      if (how === HOW_DEFERRED && tryDeferred()) return next[head]!;
    }
    return SEARCH_EXHAUSTED;
  };

  // Frontier for the report: the latest return event some configuration got stuck at. Every
  // configuration gets stuck at or before it, so it is the first event after which the history
  // stops being linearizable.
  let frontier = -1;
  const frontierValues = new Set<number>();
  /** Values the watched op met whenever the model rejected it (it was pending, so it could have). */
  const watchedValues = new Set<number>();
  let frontierPrefix: number[] = [];
  let frontierDepth = 0;

  try {
    let k = next[head]!;
    while (k !== SEARCH_EXHAUSTED) {
      if (k === -1) return { kind: 'ok' }; // only unknown-outcome calls remain: all completed ops placed
      const i = evOp[k]!;
      if (evCall[k] === 0) {
        // Op i returned without being linearized: stuck, unless a skipped unknown mutation helps.
        if (k >= frontier) {
          if (k > frontier) {
            frontier = k;
            frontierValues.clear();
            frontierDepth = depth;
            frontierPrefix = stackOp.slice(Math.max(0, depth - WINDOW_PREFIX_OPS), depth);
          }
          frontierValues.add(state);
        }
        k = tryDeferred() ? next[head]! : backtrack();
        continue;
      }
      const ki = kind[i]!;
      if (retEv[i] === -1 || (ki === KIND_READ ? state !== val[i] : ki === KIND_CAS && state !== exp[i])) {
        if (i === watch) watchedValues.add(state);
        k = next[k]!; // unknown outcome (deferred), or the model rejects op i here: try the next call
        continue;
      }
      // Forced: a read-only op the register can serve now goes next with no backtrack point. Moving
      // such an op earlier, to where it is already legal and all ops that returned before its call
      // are placed, changes no value any other op sees: from a configuration that can succeed, the
      // forced child succeeds too, in one step less. That also holds in relaxed mode, where a
      // pruned child may only be *visited* (on the stack), not failed: the visited configuration
      // nearest to success could not have been cut short, as its forced child is nearer still.
      const forced = ki === KIND_READ || (ki === KIND_CAS && exp[i] === val[i]);
      if (!forced && preferredTried[depth] === 0) {
        // First mutation candidate at this configuration. Read-only ops further on that the
        // register can serve now go first, then the op the earliest deadline calls for.
        const j = readableNow(k);
        if (j !== -1) {
          k = push(j, HOW_FORCED) ? next[head]! : backtrack();
          continue;
        }
        preferredTried[depth] = 1;
        const p = preferred();
        if (p !== -1 && p !== i) {
          stackResume[depth] = k;
          if (push(p, HOW_PREFERRED)) {
            k = next[head]!;
            continue;
          }
        }
      }
      if (push(i, forced ? HOW_FORCED : HOW_NEXT)) k = next[head]!;
      else k = forced ? backtrack() : next[k]!; // a failed configuration dominates this one
    }
  } catch (err) {
    if (err === BUDGET_EXHAUSTED) return { kind: 'budget' };
    throw err;
  }
  const blocked = evOp[frontier]!;
  for (const v of frontierValues) watchedValues.add(v);
  const values = blocked === watch ? watchedValues : frontierValues;
  return { kind: 'failed', relaxed, blocked, values, prefix: frontierPrefix, prefixLength: frontierDepth };
}

/** Frame kinds: on failure try the next call; no alternative (forced read-only op); the next
 * skipped unknown op; resume the walk where a preferred op was chosen out of turn. */
const HOW_NEXT = 0;
const HOW_FORCED = 1;
const HOW_DEFERRED = 2;
const HOW_PREFERRED = 3;
const SEARCH_EXHAUSTED = -2;

const NO_UNKNOWN: number[] = [];

interface CacheEntry {
  readonly state: number;
  readonly maxLin: number;
  /** Completed ops below maxLin not yet linearized, in op order. */
  readonly holes: readonly number[];
  /** Sorted classes of the unknown-outcome ops not yet linearized below maxLin. */
  readonly unused: readonly number[];
  /** Explored to the end without success. */
  done: boolean;
}

function sameHoles(a: readonly number[], b: readonly number[], bLength: number): boolean {
  if (a.length !== bLength) return false;
  for (let i = 0; i < bLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** splitmix32: a fixed pseudo-random sequence for the Zobrist table (the checker stays deterministic). */
function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) | 0;
}

function sameMultiset(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether sorted multiset `a` is contained in sorted multiset `b`. */
function subMultiset(a: readonly number[], b: readonly number[]): boolean {
  if (a.length > b.length) return false;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    while (j < b.length && b[j]! < a[i]!) j++;
    if (j === b.length || b[j] !== a[i]) return false;
    j++;
  }
  return true;
}

/** A completed read of a value no write on this key ever wrote needs no search to refute. */
function findUnwrittenRead(ops: RegisterOperation[]): KeyFailure | null {
  const written = new Set<string | null>([null]);
  for (const op of ops) if (op.f !== 'read') written.add(op.value);
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const needs = op.f === 'read' ? op.value : op.f === 'cas' && op.returnNs !== null ? (op.expected ?? null) : null;
    if (written.has(needs)) continue;
    return {
      message: `${describe(op)}: no operation on this key ever wrote ${showValue(needs)}`,
      window: windowAround(ops, i, []),
    };
  }
  return null;
}

function explainFrontier(h: Prepared, f: Extract<SearchOutcome, { kind: 'failed' }>): KeyFailure {
  const held = [...f.values].slice(0, MESSAGE_VALUES_MAX).map((id) => showValue(h.names[id] ?? null));
  const more = f.values.size > MESSAGE_VALUES_MAX ? ` and ${f.values.size - MESSAGE_VALUES_MAX} more` : '';
  const op = h.ops[f.blocked]!;
  const how = f.relaxed ? ' (even if each unknown-outcome write could take effect any number of times)' : '';
  const message =
    `${describe(op)} cannot take effect: in every order of the ops before and concurrent with it${how}, ` +
    `the register holds ${held.join(' or ')}${more} while it is pending ` +
    `(${f.prefixLength} of ${h.ops.length} ops on this key linearize before it gets stuck)`;
  return { message, window: windowAround(h.ops, f.blocked, f.prefix) };
}

/** The op at `center`, ops concurrent with it, and `prefix` ops, in call order, at most WINDOW_OPS_MAX. */
function windowAround(ops: RegisterOperation[], center: number, prefix: number[]): RegisterOperation[] {
  const c = ops[center]!;
  const end = c.returnNs ?? Infinity;
  const picked = new Set<number>([center, ...prefix]);
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.callNs <= end && (op.returnNs === null || op.returnNs >= c.callNs)) picked.add(i);
  }
  // Too many (long-pending unknown ops are concurrent with everything): keep those nearest in call order.
  const chosen = [...picked].sort((a, b) => Math.abs(a - center) - Math.abs(b - center) || a - b).slice(0, WINDOW_OPS_MAX);
  return chosen.sort((a, b) => a - b).map((i) => ops[i]!);
}

function describe(op: RegisterOperation): string {
  const span = `process ${op.process}, ${op.callNs}..${op.returnNs ?? '?'}`;
  if (op.f === 'read') return `read of ${showValue(op.value)} (${span})`;
  if (op.f === 'write') return `write of ${showValue(op.value)} (${span})`;
  return `cas ${showValue(op.expected ?? null)}→${showValue(op.value)} (${span})`;
}

function showValue(v: string | null): string {
  return v === null ? 'nothing (absent)' : JSON.stringify(v);
}

function show(op: RegisterOperation): string {
  try {
    return JSON.stringify(op);
  } catch {
    return String(op);
  }
}
