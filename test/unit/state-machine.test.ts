import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCommandTable } from '../../src/commands/index.js';
import type { Entry } from '../../src/raft/core/types.js';
import { dataKey, KeyType, encodeMeta } from '../../src/state-machine/encoding.js';
import { findExpired } from '../../src/state-machine/expirer.js';
import { collectGarbage, pendingGcTasks } from '../../src/state-machine/gc.js';
import { encodeProposal, decodeProposal, type ProposalOp } from '../../src/state-machine/proposal.js';
import { StateMachine } from '../../src/state-machine/state-machine.js';
import { applyOptions } from '../../src/server/apply-options.js';
import { ScanCursorTable } from '../../src/server/scan-cursors.js';
import { Store } from '../../src/state-machine/store.js';
import { getString } from '../../src/state-machine/types/string.js';

const table = buildCommandTable();

const b = (s: string): Buffer => Buffer.from(s);
const cmd = (db: number, ...args: string[]): ProposalOp => ({ kind: 'command', db, argv: args.map(b) });

let dir: string;
let store: Store;
let sm: StateMachine;
let index = 0;

function entry(ops: ProposalOp[], timeMs = 1_000_000): Entry {
  return { term: 1, index: ++index, type: 'normal', timeMs, seed: 7, data: encodeProposal(ops) };
}

async function open(): Promise<void> {
  store = await Store.open(join(dir, 'db'));
  sm = await StateMachine.open(store, applyOptions((argv) => table.byArgv(argv) ?? null, new ScanCursorTable(), () => 512 * 1024 * 1024));
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pikiraft-sm-'));
  index = 0;
  await open();
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('proposal encoding', () => {
  it('round-trips commands and expire ops, binary-safe', () => {
    const ops: ProposalOp[] = [
      { kind: 'command', db: 3, argv: [b('set'), Buffer.from([0, 255, 13, 10]), b('')] },
      { kind: 'expire', keyspaceId: 9, key: b('k'), expireAtMs: 123456789 },
    ];
    expect(decodeProposal(encodeProposal(ops))).toEqual(ops);
  });

  it('refuses a truncated entry with a clear invariant error', () => {
    const data = encodeProposal([cmd(0, 'set', 'a', 'b')]);
    expect(() => decodeProposal(data.subarray(0, data.length - 1))).toThrow(/invariant violated: proposal entry is truncated/);
  });
});

describe('StateMachine.apply', () => {
  it('applies a batch in order, replies per op, and records the applied index', async () => {
    const [replies] = await sm.apply([entry([cmd(0, 'set', 'a', '1'), cmd(0, 'set', 'a', '2', 'get'), cmd(1, 'set', 'a', 'x')])]);
    expect(replies).toEqual([{ t: 'simple', s: 'OK' }, { t: 'bulk', b: b('1') }, { t: 'simple', s: 'OK' }]);
    expect(sm.appliedIndex).toBe(1);
    expect(await getString(sm.readView(0), 0, b('a'))).toEqual(b('2'));
    expect(await getString(sm.readView(0), 1, b('a'))).toEqual(b('x'));
    expect(sm.countsOf(0)).toEqual({ keys: 1, expires: 0 });
    expect(sm.countsOf(1)).toEqual({ keys: 1, expires: 0 });
  });

  it('skips entries already applied and keeps state after reopening', async () => {
    const e1 = entry([cmd(0, 'set', 'k', 'v', 'px', '500')], 1000);
    await sm.apply([e1]);
    await sm.apply([e1]); // replay of an applied entry is a no-op
    expect(sm.countsOf(0)).toEqual({ keys: 1, expires: 1 });
    await store.close();
    await open();
    expect(sm.appliedIndex).toBe(1);
    expect(sm.countsOf(0)).toEqual({ keys: 1, expires: 1 });
    expect(await getString(sm.readView(1499), 0, b('k'))).toEqual(b('v'));
    expect(await getString(sm.readView(1500), 0, b('k'))).toBeNull();
  });

  it('asserts that entries arrive without gaps', async () => {
    await sm.apply([entry([cmd(0, 'set', 'a', '1')])]);
    index++;
    await expect(sm.apply([entry([cmd(0, 'set', 'a', '1')])])).rejects.toThrow(/apply gap/);
  });

  it('is deterministic: the same entries give identical stores', async () => {
    const entries = [entry([cmd(0, 'set', 'a', '1', 'ex', '10'), cmd(2, 'set', 'b', '2')], 5000), entry([cmd(0, 'set', 'a', '3', 'keepttl')], 6000)];
    await sm.apply(entries);
    const dump = async (s: Store): Promise<string[]> => {
      const out: string[] = [];
      for await (const { key, value } of s.iterate({})) out.push(`${key.toString('hex')}=${value.toString('hex')}`);
      return out;
    };
    const first = await dump(store);
    const other = await Store.open(join(dir, 'db2'));
    const sm2 = await StateMachine.open(other, applyOptions((argv) => table.byArgv(argv) ?? null, new ScanCursorTable(), () => 1 << 29));
    await sm2.apply(entries);
    expect(await dump(other)).toEqual(first);
    await other.close();
  });
});

describe('active expiry', () => {
  it('finds expired keys through the index and deletes them through apply', async () => {
    await sm.apply([entry([cmd(0, 'set', 'a', '1', 'px', '100'), cmd(0, 'set', 'b', '1', 'px', '5000'), cmd(0, 'set', 'c', '1')], 1000)]);
    const ops = await findExpired(store, 2000, 100);
    expect(ops).toEqual([{ kind: 'expire', keyspaceId: 0, key: b('a'), expireAtMs: 1100 }]);
    await sm.apply([entry(ops, 2000)]);
    expect(sm.countsOf(0)).toEqual({ keys: 2, expires: 1 });
    expect(await findExpired(store, 2000, 100)).toEqual([]);
  });

  it('does not delete a key that was given a new expiry meanwhile', async () => {
    await sm.apply([entry([cmd(0, 'set', 'a', '1', 'px', '100')], 1000)]);
    const ops = await findExpired(store, 2000, 100);
    await sm.apply([entry([cmd(0, 'set', 'a', '2', 'px', '100000')], 1500)]);
    await sm.apply([entry(ops, 2000)]);
    expect(await getString(sm.readView(2000), 0, b('a'))).toEqual(b('2'));
  });
});

describe('version GC', () => {
  it('overwriting a collection queues its old version and GC removes its data records', async () => {
    // A collection written directly (the data-type commands arrive in a later issue).
    const version = 42n;
    await store.write([
      { op: 'put', key: Buffer.concat([Buffer.from('m'), Buffer.from([0, 0, 0, 0]), b('h')]), value: encodeMeta({ type: KeyType.Hash, expireAtMs: 0, value: Buffer.alloc(0), version, count: 2, extra: Buffer.alloc(0) }) },
      { op: 'put', key: dataKey(0, b('h'), version, b('f1')), value: b('v1') },
      { op: 'put', key: dataKey(0, b('h'), version, b('f2')), value: b('v2') },
      { op: 'put', key: dataKey(0, b('h2'), version, b('f1')), value: b('other key, same version') },
    ]);
    await sm.apply([entry([cmd(0, 'set', 'h', 'now a string')])]);
    expect(await pendingGcTasks(store)).toBe(1);
    expect(await collectGarbage(store, 10)).toBe(1);
    expect(await pendingGcTasks(store)).toBe(0);
    expect(await store.get(dataKey(0, b('h'), version, b('f1')))).toBeNull();
    expect(await store.get(dataKey(0, b('h'), version, b('f2')))).toBeNull();
    expect(await store.get(dataKey(0, b('h2'), version, b('f1')))).toEqual(b('other key, same version'));
  });
});
