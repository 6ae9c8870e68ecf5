// The chunked string representation on the real state machine and RocksDB: SETBIT at the last
// bit a string can hold stores one 1 KiB fragment (not 512 MiB), reads answer from that fragment
// and from the length in meta, DEL is O(1) and the background GC removes the fragment. Sizes and
// record counts are asserted, never time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCommandTable } from '../../src/commands/index.js';
import type { ReadContext } from '../../src/commands/context.js';
import type { Entry } from '../../src/raft/core/types.js';
import type { Reply } from '../../src/resp/reply.js';
import { decodeMeta, KeyType, metaKey, PREFIX } from '../../src/state-machine/encoding.js';
import { collectGarbage, pendingGcTasks } from '../../src/state-machine/gc.js';
import { encodeProposal } from '../../src/state-machine/proposal.js';
import { StateMachine } from '../../src/state-machine/state-machine.js';
import { applyOptions } from '../../src/server/apply-options.js';
import { ScanCursorTable } from '../../src/server/scan-cursors.js';
import { Store } from '../../src/state-machine/store.js';
import { FRAGMENT_BYTES, INLINE_BYTES_MAX } from '../../src/state-machine/types/string-fragments.js';
import { getString } from '../../src/state-machine/types/string.js';
import { seededRng } from '../../src/util/rng.js';

const table = buildCommandTable();
const b = (s: string): Buffer => Buffer.from(s);
const NOW_MS = 1_000_000;

let dir: string;
let store: Store;
let sm: StateMachine;
let index = 0;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pikiraft-bitmap-'));
  index = 0;
  store = await Store.open(join(dir, 'db'));
  sm = await StateMachine.open(store, applyOptions((argv) => table.byArgv(argv) ?? null, new ScanCursorTable(), () => 512 * 1024 * 1024));
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function write(...args: string[]): Promise<Reply> {
  const entry: Entry = { term: 1, index: ++index, type: 'normal', timeMs: NOW_MS, seed: 7, data: encodeProposal([{ kind: 'command', db: 0, argv: args.map(b) }]) };
  const [replies] = await sm.apply([entry]);
  return replies![0]!;
}

async function read(...args: string[]): Promise<Reply> {
  let cmd = table.get(args[0]!.toLowerCase());
  if (cmd?.kind === 'container') {
    const sub = args[1]!.toLowerCase();
    cmd = cmd.subcommands.get(sub) ?? cmd.subcommands.get(`${cmd.name}|${sub}`);
  }
  if (!cmd || cmd.kind !== 'read') throw new Error(`${args[0]} is not a read command`);
  const ctx: ReadContext = {
    db: 0,
    ks: sm.readView(NOW_MS),
    counts: (db) => sm.countsOf(db),
    scanCursors: { resolve: () => null, register: () => 0n },
    rng: seededRng(1),
  };
  return cmd.run(ctx, args.map(b));
}

/** Every data record in the store: how many, and their bytes (keys and values). */
async function dataRecords(): Promise<{ count: number; bytes: number }> {
  let count = 0;
  let bytes = 0;
  for await (const { key, value } of store.iterate({ gte: Buffer.from([PREFIX.data]), lt: Buffer.from([PREFIX.data + 1]) })) {
    count++;
    bytes += key.length + value.length;
  }
  return { count, bytes };
}

async function rawMeta(key: string): Promise<Buffer | null> {
  return store.get(metaKey(sm.dbMapping.ids[0]!, b(key)));
}

const int = (n: number): Reply => ({ t: 'int', n });

describe('chunked strings', () => {
  it('SETBIT at bit 4294967295 stores one fragment; GETBIT, BITCOUNT, BITPOS, STRLEN read it; DEL frees it by GC', async () => {
    expect(await write('setbit', 'big', '4294967295', '1')).toEqual(int(0));
    const stored = await dataRecords();
    expect(stored.count).toBe(1);
    expect(stored.bytes).toBeLessThan(FRAGMENT_BYTES + 64);
    const meta = decodeMeta((await rawMeta('big'))!);
    expect(meta.type).toBe(KeyType.String);
    expect(meta.count).toBe(512 * 1024 * 1024);
    expect((await rawMeta('big'))!.length).toBeLessThan(64);

    expect(await read('getbit', 'big', '4294967295')).toEqual(int(1));
    expect(await read('getbit', 'big', '4294967294')).toEqual(int(0));
    expect(await read('getbit', 'big', '0')).toEqual(int(0));
    expect(await read('strlen', 'big')).toEqual(int(536870912));
    expect(await read('bitcount', 'big')).toEqual(int(1));
    expect(await read('bitcount', 'big', '0', '-2')).toEqual(int(0));
    expect(await read('bitpos', 'big', '1')).toEqual(int(4294967295));
    expect(await read('bitpos', 'big', '0')).toEqual(int(0));
    expect(await read('type', 'big')).toEqual({ t: 'simple', s: 'string' });
    expect(await read('object', 'encoding', 'big')).toEqual({ t: 'bulk', b: 'raw' });

    // Clearing the bit deletes the all-zero fragment; the length stays.
    expect(await write('setbit', 'big', '4294967295', '0')).toEqual(int(1));
    expect((await dataRecords()).count).toBe(0);
    expect(await read('strlen', 'big')).toEqual(int(536870912));
    expect(await write('setbit', 'big', '4294967295', '1')).toEqual(int(0));

    expect(await write('del', 'big')).toEqual(int(1));
    expect(await rawMeta('big')).toBeNull();
    expect(await read('getbit', 'big', '4294967295')).toEqual(int(0));
    expect(await read('exists', 'big')).toEqual(int(0));
    expect(await pendingGcTasks(store)).toBe(1);
    expect((await dataRecords()).count).toBe(1);
    expect(await collectGarbage(store, 10)).toBe(1);
    expect(await dataRecords()).toEqual({ count: 0, bytes: 0 });
    expect(sm.countsOf(0)).toEqual({ keys: 0, expires: 0 });
  });

  it('small strings stay inline; growing past the inline limit moves them to fragments; SET brings them back', async () => {
    await write('setbit', 's', '7', '1');
    expect((await dataRecords()).count).toBe(0);
    expect(decodeMeta((await rawMeta('s'))!).value).toEqual(Buffer.from([1]));

    await write('setrange', 's', String(INLINE_BYTES_MAX), 'x');
    expect(await read('strlen', 's')).toEqual(int(INLINE_BYTES_MAX + 1));
    // Byte 0 lives in fragment 0, the 'x' in fragment 1.
    expect((await dataRecords()).count).toBe(2);
    const value = await getString(sm.readView(NOW_MS), 0, b('s'));
    expect(value).toEqual(Buffer.concat([Buffer.from([1]), Buffer.alloc(INLINE_BYTES_MAX - 1), b('x')]));

    // An overwrite is O(1): the fragments become garbage for the GC.
    await write('set', 's', 'plain');
    expect(await getString(sm.readView(NOW_MS), 0, b('s'))).toEqual(b('plain'));
    expect(await pendingGcTasks(store)).toBe(1);
    await collectGarbage(store, 10);
    expect((await dataRecords()).count).toBe(0);
  });

  it('a TTL survives bit writes and expiry hides a chunked string', async () => {
    await write('setbit', 'e', '100000', '1');
    await write('pexpire', 'e', '5000');
    await write('setbit', 'e', '100001', '1');
    expect(await read('pttl', 'e')).toEqual(int(5000));
    expect(await read('bitcount', 'e')).toEqual(int(2));
    const later = sm.readView(NOW_MS + 6000);
    expect(await getString(later, 0, b('e'))).toBeNull();
  });
});
