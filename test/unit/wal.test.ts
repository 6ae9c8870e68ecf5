import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Entry } from '../../src/raft/core/types.js';
import { crc32c } from '../../src/raft/log/crc32c.js';
import { Wal, WalCorruptionError } from '../../src/raft/log/wal.js';

let dir: string;
const logs: { msg: string; obj: object }[] = [];
const logger = { info: () => undefined, warn: (obj: object, msg: string) => void logs.push({ obj, msg }) };

const e = (index: number, term = 1, data = `v${index}`): Entry => ({ term, index, type: 'normal', timeMs: 1000 + index, seed: index * 7, data: Buffer.from(data) });
const range = (lo: number, hi: number, term = 1): Entry[] => Array.from({ length: hi - lo + 1 }, (_, i) => e(lo + i, term));
const segFiles = (): string[] => readdirSync(join(dir, 'wal')).filter((n) => n.endsWith('.seg')).sort();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pikiraft-wal-'));
  logs.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('crc32c', () => {
  it('matches the standard check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });
});

/** One past the last non-zero byte: where the records of a preallocated segment end. */
function dataEnd(bytes: Buffer): number {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return end;
}

describe('Wal', () => {
  it('round-trips entries and hard state across reopen', async () => {
    const wal = await Wal.open(dir, { logger });
    wal.append(range(1, 5));
    wal.setHardState({ term: 1, vote: 2, commit: 4 });
    await wal.sync();
    await wal.close();
    const again = await Wal.open(dir, { logger });
    expect(again.lastIndex).toBe(5);
    expect(again.firstIndex).toBe(1);
    expect(again.hardState).toEqual({ term: 1, vote: 2, commit: 4 });
    expect(again.entries(2, 4)).toEqual([e(2), e(3)]);
    expect(again.term(5)).toBe(1);
    await again.close();
  });

  it('group commit: many appends, one write and one fdatasync', async () => {
    const wal = await Wal.open(dir);
    for (let i = 1; i <= 1000; i++) wal.append([e(i)]);
    await Promise.all([wal.sync(), wal.sync(), wal.sync()]);
    expect(wal.stats.fsyncs).toBe(1);
    await wal.close();
  });

  it('a conflicting append truncates the suffix durably', async () => {
    const wal = await Wal.open(dir);
    wal.append(range(1, 5, 1));
    await wal.sync();
    wal.append([e(4, 2), e(5, 2), e(6, 2)]);
    await wal.sync();
    await wal.close();
    const again = await Wal.open(dir);
    expect(again.lastIndex).toBe(6);
    expect(again.entries(1, 7).map((x) => x.term)).toEqual([1, 1, 1, 2, 2, 2]);
    await again.close();
  });

  it('refuses to truncate committed entries and to leave gaps', async () => {
    const wal = await Wal.open(dir);
    wal.append(range(1, 3));
    wal.setHardState({ term: 1, vote: 1, commit: 3 });
    expect(() => wal.append([e(2, 2)])).toThrow(/wal invariant: truncation at 2 would drop committed entries/);
    expect(() => wal.append([e(9)])).toThrow(/wal invariant: append at 9 leaves a gap/);
    await wal.close();
  });

  it('truncates a torn tail with a log line and keeps working', async () => {
    const wal = await Wal.open(dir, { logger });
    wal.append(range(1, 3));
    await wal.sync();
    await wal.close();
    const file = join(dir, 'wal', segFiles()[0]!);
    const bytes = readFileSync(file);
    const end = dataEnd(bytes);
    bytes.fill(0, end - 3, end); // a write torn in the middle of the last record
    writeFileSync(file, bytes);
    const again = await Wal.open(dir, { logger });
    expect(again.lastIndex).toBe(2);
    expect(logs.some((l) => l.msg === 'truncating torn WAL tail')).toBe(true);
    again.append([e(3, 1, 'new')]);
    await again.sync();
    await again.close();
    const third = await Wal.open(dir, { logger });
    expect(Buffer.from(third.entries(3, 4)[0]!.data).toString()).toBe('new');
    await third.close();
  });

  it('treats garbage after the last record as a torn tail', async () => {
    const wal = await Wal.open(dir, { logger });
    wal.append(range(1, 2));
    await wal.sync();
    await wal.close();
    const file = join(dir, 'wal', segFiles()[0]!);
    const bytes = readFileSync(file);
    Buffer.from([0, 0, 0, 9, 1, 2, 3]).copy(bytes, dataEnd(bytes));
    writeFileSync(file, bytes);
    const again = await Wal.open(dir, { logger });
    expect(again.lastIndex).toBe(2);
    await again.close();
  });

  it('refuses to start on corruption in the middle of the log', async () => {
    const wal = await Wal.open(dir, { logger });
    wal.append(range(1, 10));
    await wal.sync();
    await wal.close();
    const file = join(dir, 'wal', segFiles()[0]!);
    const bytes = readFileSync(file);
    bytes[20] = bytes[20]! ^ 0xff; // inside the first record
    writeFileSync(file, bytes);
    await expect(Wal.open(dir, { logger })).rejects.toBeInstanceOf(WalCorruptionError);
  });

  it('preallocates segments; an unused preallocation is not part of the log', async () => {
    const wal = await Wal.open(dir, { segmentMaxBytes: 1024 * 1024 });
    wal.append(range(1, 5));
    await wal.sync();
    // The tail and the next segment exist at full size from the start.
    await new Promise((r) => setTimeout(r, 50));
    expect(segFiles().map((f) => statSync(join(dir, 'wal', f)).size)).toEqual([1024 * 1024, 1024 * 1024]);
    await wal.close();
    expect(segFiles()).toHaveLength(1);
    // A crash leaves the zero-filled next segment behind: recovery drops it and loses nothing.
    writeFileSync(join(dir, 'wal', '0000000000000002.seg'), Buffer.alloc(1024 * 1024));
    const again = await Wal.open(dir, { segmentMaxBytes: 1024 * 1024 });
    expect(again.lastIndex).toBe(5);
    again.append(range(6, 6));
    await again.sync();
    await again.close();
    const third = await Wal.open(dir, { segmentMaxBytes: 1024 * 1024 });
    expect(third.lastIndex).toBe(6);
    await third.close();
  });

  it('rolls segments, compacts whole segments away and recovers the compaction point', async () => {
    const wal = await Wal.open(dir, { segmentMaxBytes: 200 });
    for (let i = 1; i <= 60; i++) {
      wal.append([e(i, 1 + Math.floor(i / 20))]);
      wal.setHardState({ term: 1 + Math.floor(i / 20), vote: 1, commit: i });
      await wal.sync();
    }
    const before = segFiles().length;
    expect(before).toBeGreaterThan(5);
    await wal.compact(45);
    expect(segFiles().length).toBeLessThan(before);
    expect(wal.firstIndex).toBe(46);
    expect(wal.term(45)).toBe(3);
    await wal.close();
    const again = await Wal.open(dir);
    expect(again.firstIndex).toBe(46);
    expect(again.lastIndex).toBe(60);
    expect(again.term(45)).toBe(3);
    expect(again.hardState.commit).toBe(60);
    expect(again.entries(46, 61).map((x) => x.index)).toEqual(range(46, 60).map((x) => x.index));
    await again.close();
  });

  it('loses only unsynced records in a crash', async () => {
    const wal = await Wal.open(dir);
    wal.append(range(1, 3));
    await wal.sync();
    wal.append(range(4, 6)); // never synced: as if the process died here
    const again = await Wal.open(dir);
    expect(again.lastIndex).toBe(3);
    await again.close();
  });
});
