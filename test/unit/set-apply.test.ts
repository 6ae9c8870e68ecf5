// Sets inside StateMachine.apply: SPOP's random picks come from the entry's seed, so two replicas
// applying the same log end with identical RocksDB contents; the member count in meta always
// equals the data records of the live version; DEL and *STORE leave old versions to GC, which
// removes every one of their records.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCommandTable } from '../../src/commands/index.js';
import type { Entry } from '../../src/raft/core/types.js';
import type { Reply } from '../../src/resp/reply.js';
import { dataPrefix, keyspaceDataRange, KeyType } from '../../src/state-machine/encoding.js';
import { collectGarbage, pendingGcTasks } from '../../src/state-machine/gc.js';
import { encodeProposal, type ProposalOp } from '../../src/state-machine/proposal.js';
import { StateMachine } from '../../src/state-machine/state-machine.js';
import { applyOptions } from '../../src/server/apply-options.js';
import { ScanCursorTable } from '../../src/server/scan-cursors.js';
import { Store } from '../../src/state-machine/store.js';

const table = buildCommandTable();

const cmd = (...args: string[]): ProposalOp => ({ kind: 'command', db: 0, argv: args.map((a) => Buffer.from(a)) });

interface Replica {
  readonly store: Store;
  readonly sm: StateMachine;
}

let dir: string;
let replicas: Replica[];
let index = 0;

async function openReplica(name: string): Promise<Replica> {
  const store = await Store.open(join(dir, name));
  const sm = await StateMachine.open(store, applyOptions((argv) => table.byArgv(argv) ?? null, new ScanCursorTable(), () => 512 * 1024 * 1024));
  return { store, sm };
}

function entry(ops: ProposalOp[], seed: number): Entry {
  return { term: 1, index: ++index, type: 'normal', timeMs: 1_000_000, seed, data: encodeProposal(ops) };
}

/** Applies the same entry on every replica; returns each replica's replies. */
async function applyAll(ops: ProposalOp[], seed: number): Promise<Reply[][]> {
  const e = entry(ops, seed);
  return Promise.all(replicas.map(async (r) => (await r.sm.apply([e]))[0]!));
}

async function dump(store: Store): Promise<string[]> {
  const out: string[] = [];
  for await (const { key, value } of store.iterate({})) out.push(`${key.toString('hex')}=${value.toString('hex')}`);
  return out;
}

/** The live set's meta count and the number of data records under its version. */
async function countAndRecords(r: Replica, key: string): Promise<{ count: number; records: number } | null> {
  const meta = await r.sm.readView(1_000_000).meta(0, Buffer.from(key));
  if (meta === null) return null;
  expect(meta.type).toBe(KeyType.Set);
  const id = r.sm.dbMapping.ids[0]!;
  const k = Buffer.from(key);
  let records = 0;
  for await (const _ of r.store.iterate({ gte: dataPrefix(id, k, meta.version), lt: dataPrefix(id, k, meta.version + 1n), keysOnly: true })) records++;
  return { count: meta.count, records };
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pikiraft-set-'));
  index = 0;
  replicas = [await openReplica('a'), await openReplica('b')];
});

afterEach(async () => {
  for (const r of replicas) await r.store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sets in apply', () => {
  it('SPOP picks the same members on every replica, and meta counts match the records', async () => {
    const members = Array.from({ length: 3000 }, (_, i) => `m${(i * 7919) % 100_000}`);
    for (let i = 0; i < members.length; i += 500) await applyAll([cmd('sadd', 'big', ...members.slice(i, i + 500))], 1);
    await applyAll([cmd('sadd', 'small', 'a', 'b', 'c', 'd', 'e', '1', '2')], 2);
    // Sampled picks from a large set, a single pop, most of a set (rebuilt), all of a set.
    const spops: ProposalOp[][] = [
      [cmd('spop', 'big', '25')],
      [cmd('spop', 'big')],
      [cmd('spop', 'big', '700'), cmd('spop', 'small', '3')],
      [cmd('spop', 'small', '3'), cmd('spop', 'small')],
      [cmd('spop', 'big', '2000')],
      [cmd('spop', 'small', '10')],
    ];
    for (const [i, ops] of spops.entries()) {
      const [a, b] = await applyAll(ops, 1000 + i);
      expect(a).toEqual(b);
    }
    // A different seed picks differently: the seed, not the replica, decides.
    const again = await applyAll([cmd('sadd', 'x', ...members.slice(0, 200)), cmd('sadd', 'y', ...members.slice(0, 200))], 3);
    expect(again[0]).toEqual(again[1]);
    const [[px, py]] = await applyAll([cmd('spop', 'x', '10'), cmd('spop', 'y', '10')], 4);
    expect(px).not.toEqual(py);

    expect(await dump(replicas[0]!.store)).toEqual(await dump(replicas[1]!.store));
    for (const key of ['big', 'x', 'y']) {
      const cr = await countAndRecords(replicas[0]!, key);
      expect(cr).not.toBeNull();
      expect(cr!.records).toBe(cr!.count);
    }
    expect(await countAndRecords(replicas[0]!, 'small')).toBeNull();
  });

  it('DEL and *STORE over a set leave its old version to GC, which removes every record', async () => {
    const r = replicas[0]!;
    await applyAll([cmd('sadd', 's', ...Array.from({ length: 1000 }, (_, i) => String(i)))], 1);
    await applyAll([cmd('sadd', 't', '1', '2', '3', 'x')], 1);
    // Overwrite s (new version), intersect into a fresh key, then delete everything.
    expect((await applyAll([cmd('sunionstore', 's', 's', 't')], 1))[0]).toEqual([{ t: 'int', n: 1001 }]);
    expect((await applyAll([cmd('sinterstore', 'i', 's', 't')], 1))[0]).toEqual([{ t: 'int', n: 4 }]);
    expect((await applyAll([cmd('sdiffstore', 'i', 't', 's')], 1))[0]).toEqual([{ t: 'int', n: 0 }]);
    expect((await applyAll([cmd('del', 's', 't', 'i')], 1))[0]).toEqual([{ t: 'int', n: 2 }]);
    expect(await pendingGcTasks(r.store)).toBeGreaterThan(0);
    while ((await collectGarbage(r.store, 16)) > 0);
    const range = keyspaceDataRange(r.sm.dbMapping.ids[0]!);
    let left = 0;
    for await (const _ of r.store.iterate({ gte: range.start, lt: range.end, keysOnly: true })) left++;
    expect(left).toBe(0);
    expect(r.sm.countsOf(0)).toEqual({ keys: 0, expires: 0 });
  });
});
