// Hand-written list-append histories, one per anomaly Elle's checker reports, plus valid ones.
import { describe, expect, it } from 'vitest';
import {
  checkListAppend,
  type Anomaly,
  type ListAppendCheckOptions,
  type ListAppendTxn,
  type MicroOp,
} from '../../chaos/checkers/list-append.js';

const a = (key: string, value: number): MicroOp => ({ f: 'append', key, value });
const r = (key: string, value: number[] | null): MicroOp => ({ f: 'r', key, value });

let nextProcess = 0;
/** A transaction; by default all run concurrently in [0, 100] on their own process, so no real-time
 * or process edge exists and only the data decides. */
function txn(ops: MicroOp[], type: ListAppendTxn['type'] = 'ok', callNs = 0, returnNs: number | null = 100, process = nextProcess++): ListAppendTxn {
  return { process, type, ops, callNs, returnNs: type === 'info' ? null : returnNs };
}

function valid(txns: ListAppendTxn[], opts?: ListAppendCheckOptions): void {
  const v = checkListAppend(txns, opts);
  if (!v.ok) throw new Error(`expected ok, got: ${v.message}\n${v.anomalies.map((x) => x.message).join('\n')}`);
  expect(v.anomalies).toEqual([]);
  expect(v.txnCount).toBe(txns.length);
}

/** Asserts the history is rejected and exactly the given anomaly names are reported. */
function anomalies(txns: ListAppendTxn[], names: string[], opts?: ListAppendCheckOptions): Anomaly[] {
  const v = checkListAppend(txns, opts);
  expect(v.ok).toBe(false);
  expect(v.message).toMatch(/NOT ok/);
  expect([...new Set(v.anomalies.map((x) => x.name))].sort()).toEqual([...names].sort());
  for (const x of v.anomalies) for (const t of x.txns) expect(txns).toContain(t);
  return v.anomalies;
}

/** Checks a cycle anomaly's edges form a closed walk over the reported txns. */
function expectCycle(x: Anomaly, txns: ListAppendTxn[], kinds: string[]): void {
  const edges = x.edges!;
  expect(edges.map((e) => e.kind).sort()).toEqual([...kinds].sort());
  for (let i = 0; i < edges.length; i++) expect(edges[i]!.to).toBe(edges[(i + 1) % edges.length]!.from);
  expect(x.txns).toEqual([...edges.map((e) => txns[e.from]!), txns[edges[0]!.from]!]);
}

describe('list-append: valid histories', () => {
  it('accepts the empty history, empty reads and a serial history', () => {
    valid([]);
    valid([txn([r('x', null), r('y', [])])]);
    valid([
      txn([a('x', 1), a('y', 1)], 'ok', 0, 10),
      txn([r('x', [1]), a('x', 2)], 'ok', 20, 30),
      txn([r('x', [1, 2]), r('y', [1]), a('y', 2)], 'ok', 40, 50),
      txn([r('x', [1, 2]), r('y', [1, 2])], 'ok', 60, 70),
    ]);
  });

  it('accepts reads of a transaction\'s own appends and several appends to one key', () => {
    valid([
      txn([a('x', 1), a('x', 2), r('x', [1, 2])], 'ok', 0, 10),
      txn([r('x', [1, 2]), a('x', 3), r('x', [1, 2, 3])], 'ok', 20, 30),
    ]);
  });

  it('treats observed appends of unknown transactions as committed and ignores their reads', () => {
    valid([txn([a('x', 1)], 'info', 0), txn([r('x', [1])], 'ok', 10, 20)]);
    valid([txn([a('x', 1), r('y', [42, 42])], 'info', 0), txn([r('x', [])], 'ok', 10, 20)]);
    // Not observed: as if it never ran, even though a later read missed it.
    valid([txn([a('x', 1)], 'info', 0), txn([r('x', [])], 'ok', 1000, 1010)]);
  });

  it('ignores failed transactions that nobody observed', () => {
    valid([txn([a('x', 1), r('x', [7])], 'fail', 0, 10), txn([r('x', [])], 'ok', 20, 30)]);
  });

  it('accepts concurrent transactions serialized against real time under serializable only', () => {
    const h = [txn([a('x', 1)], 'ok', 0, 10), txn([r('x', [])], 'ok', 20, 30), txn([r('x', [1])], 'ok', 40, 50)];
    valid(h, { consistency: 'serializable' });
    const [x] = anomalies(h, ['G-single-realtime']);
    expect(x!.type).toBe('G-single');
    expectCycle(x!, h, ['rw', 'realtime']);
  });
});

describe('list-append: anomalies', () => {
  it('G0: write cycle', () => {
    const h = [txn([a('x', 1), a('y', 2)]), txn([a('x', 3), a('y', 4)]), txn([r('x', [1, 3]), r('y', [4, 2])])];
    const [x] = anomalies(h, ['G0']);
    expectCycle(x!, h, ['ww', 'ww']);
    expect(x!.edges!.map((e) => e.key).sort()).toEqual(['x', 'y']);
  });

  it('G1a: aborted read', () => {
    const h = [txn([a('x', 1)], 'fail'), txn([r('x', [1])])];
    const [x] = anomalies(h, ['G1a']);
    expect(x!.txns).toEqual([h[1], h[0]]);
  });

  it('G1a: a read of a value nobody appended (garbage)', () => {
    const [x] = anomalies([txn([a('x', 1)]), txn([r('x', [1, 9])])], ['garbage-read']);
    expect(x!.type).toBe('G1a');
  });

  it('G1b: intermediate read', () => {
    const h = [txn([a('x', 1), a('x', 2)]), txn([r('x', [1])]), txn([r('x', [1, 2])])];
    // Reading T0's intermediate state also puts T1 both after T0 (wr) and before it (rw).
    const found = anomalies(h, ['G1b', 'G-single']);
    expect(found.find((x) => x.type === 'G1b')!.txns).toEqual([h[1], h[0]]);
    expectCycle(found.find((x) => x.type === 'G-single')!, h, ['wr', 'rw']);
  });

  it('G1c: circular information flow', () => {
    const h = [txn([a('x', 1), r('y', [2])]), txn([a('y', 2), r('x', [1])])];
    const [x] = anomalies(h, ['G1c']);
    expectCycle(x!, h, ['wr', 'wr']);
  });

  it('G1c: a cycle of ww and wr edges', () => {
    const h = [txn([a('x', 1), r('y', [2])]), txn([a('x', 3), a('y', 2)]), txn([r('x', [1, 3])])];
    // T1 appended after T0 (x: 1 then 3) yet T0 read T1's append.
    const [x] = anomalies(h, ['G1c']);
    expectCycle(x!, h, ['ww', 'wr']);
  });

  it('G-single: read skew, one anti-dependency', () => {
    const h = [txn([r('x', []), r('y', [2])]), txn([a('x', 1), a('y', 2)]), txn([r('x', [1])])];
    const [x] = anomalies(h, ['G-single']);
    expectCycle(x!, h, ['rw', 'wr']);
    expect(x!.message).toMatch(/G-single cycle: T\d -(rw|wr)/);
  });

  it('G2: write skew, two anti-dependencies', () => {
    const h = [txn([r('x', []), a('y', 1)]), txn([r('y', []), a('x', 2)]), txn([r('x', [2]), r('y', [1])])];
    const [x] = anomalies(h, ['G2']);
    expectCycle(x!, h, ['rw', 'rw']);
  });

  it('incompatible-order: two reads that are not prefixes of one another', () => {
    const h = [txn([a('x', 1)]), txn([a('x', 2)]), txn([r('x', [1, 2])]), txn([r('x', [2, 1])])];
    const [x] = anomalies(h, ['incompatible-order']);
    expect(x!.txns).toEqual([h[2], h[3]]);
    // A read that diverges part way is as incompatible as a reordered one.
    anomalies([txn([a('x', 1)]), txn([a('x', 2)]), txn([a('x', 3)]), txn([r('x', [1, 2])]), txn([r('x', [1, 3])])], ['incompatible-order']);
  });

  it('G-single: a fractured read sees one append of a transaction but not its other, unread one', () => {
    const h = [txn([a('x', 1), a('y', 2)]), txn([r('x', [1]), r('y', [])])];
    const [x] = anomalies(h, ['G-single'], { consistency: 'serializable' });
    expectCycle(x!, h, ['wr', 'rw']);
    // An unknown transaction seen on x committed, so the same holds for it.
    anomalies([txn([a('x', 1), a('y', 2)], 'info'), txn([r('x', [1]), r('y', [])])], ['G-single']);
  });

  it('internal: a read that disagrees with the transaction\'s own earlier operations', () => {
    anomalies([txn([a('x', 1), r('x', [])])], ['internal']);
    anomalies([txn([r('x', []), a('x', 1), r('x', [1, 1])])], ['internal', 'duplicate-elements']);
    // Its second read also disagrees with its first one.
    anomalies([txn([a('x', 9)]), txn([r('x', [9]), a('x', 1), r('x', [1])])], ['internal', 'incompatible-order']);
    // A value it appends only later.
    const [x] = anomalies([txn([r('x', [1]), a('x', 1)])], ['internal']);
    expect(x!.type).toBe('incompatible-order');
  });

  it('non-atomic-append: one transaction\'s appends split or reordered in the version order', () => {
    // T1's append between T0's two puts each of them before the other (G0).
    anomalies([txn([a('x', 1), a('x', 2)]), txn([a('x', 3)]), txn([r('x', [1, 3, 2])])], ['non-atomic-append', 'G0']);
    // Ending in T0's first append, the read also saw an intermediate state.
    anomalies([txn([a('x', 1), a('x', 2)]), txn([r('x', [2, 1])])], ['non-atomic-append', 'G1b']);
    // The transaction that read the order sees its own appends so far: fine.
    valid([txn([a('x', 1), r('x', [1]), a('x', 2)])]);
  });

  it('duplicate-elements: one value read twice', () => {
    const h = [txn([a('x', 1)]), txn([r('x', [1, 1])])];
    const [x] = anomalies(h, ['duplicate-elements']);
    expect(x!.txns).toEqual([h[1]]);
  });

  it('dirty-update: a committed append on top of a failed one', () => {
    anomalies([txn([a('x', 1)], 'fail'), txn([a('x', 2)]), txn([r('x', [1, 2])])], ['G1a', 'dirty-update']);
  });

  it('lost-append: a committed append missing from a later read (strict only)', () => {
    const h = [txn([a('x', 1)], 'ok', 0, 10), txn([a('x', 2)], 'ok', 0, 10), txn([r('x', [2])], 'ok', 20, 30)];
    // T2 read a version without T0's append, so it precedes T0 (rw), yet began after T0 committed.
    const found = anomalies(h, ['lost-append', 'G-single-realtime']);
    expect(found.find((x) => x.type === 'lost-append')!.txns).toEqual([h[0], h[2]]);
    expectCycle(found.find((x) => x.type === 'G-single')!, h, ['rw', 'realtime']);
    valid(h, { consistency: 'serializable' });
  });

  it('reports separate real-time cycles of one component', () => {
    // Each read misses an append that committed before it began; R2's miss of x ties all four
    // transactions into one component.
    const h = [
      txn([a('x', 1)], 'ok', 0, 10),
      txn([r('x', [])], 'ok', 20, 30),
      txn([a('y', 2)], 'ok', 40, 50),
      txn([r('y', []), r('x', [])], 'ok', 60, 70),
      txn([r('x', [1]), r('y', [2])], 'ok', 80, 90),
    ];
    const v = checkListAppend(h);
    expect(v.ok).toBe(false);
    expect(v.message).toMatch(/1 cyclic component\(s\), 2 cycle\(s\) reported/);
    expect(v.anomalies.map((x) => x.name)).toEqual(['G-single-realtime', 'G-single-realtime']);
    for (const x of v.anomalies) expectCycle(x, h, ['rw', 'realtime']);
    valid(h, { consistency: 'serializable' });
  });

  it('process order: a pipelined transaction that missed its predecessor on the same connection', () => {
    const h = [txn([a('x', 1)], 'ok', 0, 100, 7), txn([r('x', [])], 'ok', 50, 150, 7), txn([r('x', [1])], 'ok', 0, 200, 8)];
    const [x] = anomalies(h, ['G-single-process']);
    expectCycle(x!, h, ['rw', 'process']);
    valid(h, { consistency: 'serializable' });
  });

  it('reports several independent cycles, bounded by maxCycles', () => {
    const h: ListAppendTxn[] = [];
    for (let i = 0; i < 5; i++) {
      const x = `x${i}`;
      const y = `y${i}`;
      h.push(txn([r(x, []), a(y, 1)]), txn([r(y, []), a(x, 2)]), txn([r(x, [2]), r(y, [1])]));
    }
    const all = checkListAppend(h);
    expect(all.anomalies.filter((x) => x.type === 'G2')).toHaveLength(5);
    expect(all.anomalyCounts?.G2).toBe(5);
    const some = checkListAppend(h, { maxCycles: 2 });
    expect(some.ok).toBe(false);
    expect(some.anomalies).toHaveLength(2);
    expect(some.message).toMatch(/5 cyclic component/);
  });

  it('throws on a malformed history rather than judging it', () => {
    expect(() => checkListAppend([txn([a('x', 1)]), txn([a('x', 1)])])).toThrow(/more than once/);
    expect(() => checkListAppend([{ process: 0, type: 'ok', ops: [], callNs: 0, returnNs: null }])).toThrow(/returnNs/);
    expect(() => checkListAppend([{ process: 0, type: 'ok', ops: [], callNs: 10, returnNs: 5 }])).toThrow(/returnNs/);
  });
});
