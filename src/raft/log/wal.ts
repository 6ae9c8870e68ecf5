// The Raft log on disk: segment files of CRC-framed protobuf records (entries, hard state,
// truncations, compaction marks). Entries since the last compaction are also kept in memory,
// so reads never touch the disk. Appends are buffered and made durable by sync(): one write and
// one fdatasync for everything buffered (group commit). Recovery truncates a torn tail with a log
// line and refuses to start on corruption anywhere else.
//
// Segments are preallocated (zero-filled and synced before use, the next one in the background,
// as etcd does): fdatasync after overwriting allocated blocks commits no file-size metadata, which
// makes each group commit several times cheaper than after an append. A run of zeros after the
// last record is therefore the normal end of a segment, and a segment that is all zeros is an
// unused preallocation.
import { mkdirSync, readdirSync, readFileSync, openSync, fsyncSync, closeSync, unlinkSync, writeSync } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { EMPTY_HARD_STATE, type Entry, type HardState } from '../core/types.js';
import { decodeRecord, encodeRecord, type WalRecord } from './codec.js';
import { frame, hasValidFrameAfter, readFrame } from './segment.js';

export interface WalLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface WalOptions {
  readonly segmentMaxBytes?: number;
  readonly logger?: WalLogger;
}

export class WalCorruptionError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    reason: string,
  ) {
    super(`WAL corruption in ${file} at offset ${offset}: ${reason}; refusing to start (restore the node from a peer or backup)`);
  }
}

interface Segment {
  readonly seq: number;
  readonly path: string;
  sizeBytes: number;
  /** Highest entry index written to this segment (0 = none). */
  maxIndex: number;
}

const SEGMENT_SUFFIX = '.seg';
const ZERO_CHUNK = Buffer.alloc(1024 * 1024);

interface PreparedSegment {
  readonly seq: number;
  readonly path: string;
  readonly fh: FileHandle;
}
const segmentName = (seq: number): string => `${String(seq).padStart(16, '0')}${SEGMENT_SUFFIX}`;

function walAssert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`wal invariant: ${message}`);
}

export class Wal {
  private entriesMem: Entry[] = [];
  private hs: HardState = EMPTY_HARD_STATE;
  private compactedIndex = 0;
  private compactedTerm = 0;
  private segments: Segment[] = [];
  private fh: FileHandle | null = null;
  /** The next segment, being zero-filled in the background; rejected only on an I/O error. */
  private next: Promise<PreparedSegment> | null = null;
  private buffered: Buffer[] = [];
  private bufferedMaxIndex = 0;
  private syncing: Promise<void> | null = null;
  /** Set during recovery when the oldest segment starts after index 1 (earlier ones compacted). */
  private inferredBase = 0;
  private closed = false;
  readonly stats = { fsyncs: 0, writes: 0 };

  private constructor(
    private readonly dir: string,
    private readonly segmentMaxBytes: number,
    private readonly logger: WalLogger | undefined,
  ) {}

  static async open(dir: string, opts: WalOptions = {}): Promise<Wal> {
    const walDir = join(dir, 'wal');
    mkdirSync(walDir, { recursive: true });
    const wal = new Wal(walDir, opts.segmentMaxBytes ?? 16 * 1024 * 1024, opts.logger);
    wal.recover();
    await wal.openTail();
    return wal;
  }

  get hardState(): HardState {
    return this.hs;
  }

  /** First index held in the log; lastIndex + 1 when it holds none. */
  get firstIndex(): number {
    return this.compactedIndex + 1;
  }

  get lastIndex(): number {
    return this.compactedIndex + this.entriesMem.length;
  }

  /** Index and term of the last compacted entry (0, 0 when nothing was compacted). */
  get compacted(): { index: number; term: number } {
    return { index: this.compactedIndex, term: this.compactedTerm };
  }

  term(index: number): number | undefined {
    if (index === this.compactedIndex) return this.compactedTerm;
    if (index < this.compactedIndex || index > this.lastIndex) return undefined;
    return this.entriesMem[index - this.compactedIndex - 1]!.term;
  }

  /** Entries in [lo, hi), optionally capped at maxBytes of data (always at least one). */
  entries(lo: number, hiExclusive: number, maxBytes = Infinity): Entry[] {
    walAssert(lo >= this.firstIndex, `entries(${lo}) below the first index ${this.firstIndex}`);
    walAssert(hiExclusive <= this.lastIndex + 1, `entries up to ${hiExclusive} beyond the last index ${this.lastIndex}`);
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = lo; i < hiExclusive; i++) {
      const e = this.entriesMem[i - this.compactedIndex - 1]!;
      bytes += e.data.length;
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(e);
    }
    return out;
  }

  /** Buffers entries; an append starting at or below lastIndex first discards the conflicting suffix. */
  append(entries: readonly Entry[]): void {
    walAssert(!this.closed, 'append after close');
    if (entries.length === 0) return;
    const first = entries[0]!;
    walAssert(first.index > this.compactedIndex, `append at ${first.index} at or below the compacted index ${this.compactedIndex}`);
    walAssert(first.index <= this.lastIndex + 1, `append at ${first.index} leaves a gap after ${this.lastIndex}`);
    if (first.index <= this.lastIndex) {
      walAssert(first.index > this.hs.commit, `truncation at ${first.index} would drop committed entries (commit ${this.hs.commit})`);
      this.entriesMem.length = first.index - this.compactedIndex - 1;
      this.bufferRecord({ kind: 'truncation', fromIndex: first.index });
    }
    let prev = this.term(first.index - 1) ?? 0;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      walAssert(e.index === first.index + i, `entries are not contiguous at ${e.index}`);
      walAssert(e.term >= prev, `entry ${e.index} has term ${e.term} below the previous term ${prev}`);
      prev = e.term;
      this.entriesMem.push(e);
      this.bufferRecord({ kind: 'entry', entry: e });
    }
    this.bufferedMaxIndex = Math.max(this.bufferedMaxIndex, this.lastIndex);
  }

  setHardState(hs: HardState): void {
    walAssert(hs.term >= this.hs.term, `hard state term went back from ${this.hs.term} to ${hs.term}`);
    walAssert(hs.commit >= this.hs.commit, `commit went back from ${this.hs.commit} to ${hs.commit}`);
    this.hs = hs;
    this.bufferRecord({ kind: 'hardState', hardState: hs });
  }

  private bufferRecord(r: WalRecord): void {
    this.buffered.push(frame(encodeRecord(r)));
  }

  /** Makes everything buffered so far durable; concurrent calls share writes and syncs. */
  async sync(): Promise<void> {
    while (this.syncing) await this.syncing;
    if (this.buffered.length === 0) return;
    this.syncing = this.writeAndSync().finally(() => {
      this.syncing = null;
    });
    await this.syncing;
  }

  private async writeAndSync(): Promise<void> {
    let data = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered);
    const maxIndex = this.bufferedMaxIndex;
    this.buffered = [];
    this.bufferedMaxIndex = 0;
    let tail = this.segments[this.segments.length - 1]!;
    if (tail.sizeBytes > 0 && tail.sizeBytes + data.length > this.segmentMaxBytes) {
      data = Buffer.concat([await this.roll(), data]);
      tail = this.segments[this.segments.length - 1]!;
    }
    walAssert(this.fh !== null, 'no open segment');
    // Records larger than the preallocation simply extend the file (and pay for it once).
    await this.fh.write(data, 0, data.length, tail.sizeBytes);
    await this.fh.datasync();
    this.stats.writes++;
    this.stats.fsyncs++;
    tail.sizeBytes += data.length;
    tail.maxIndex = Math.max(tail.maxIndex, maxIndex);
  }

  /** Switches to the next (preallocated) segment; returns the records it must start with. */
  private async roll(): Promise<Buffer> {
    const seq = this.segments[this.segments.length - 1]!.seq + 1;
    const prepared = await (this.next ?? this.prepareSegment(seq));
    walAssert(prepared.seq === seq, `prepared segment ${prepared.seq}, expected ${seq}`);
    await this.fh?.close();
    this.fh = prepared.fh;
    this.segments.push({ seq, path: prepared.path, sizeBytes: 0, maxIndex: 0 });
    this.next = this.prepareInBackground(seq + 1);
    // A new segment starts with the hard state, so older segments can be deleted freely.
    const header = [frame(encodeRecord({ kind: 'hardState', hardState: this.hs }))];
    if (this.compactedIndex > 0) header.push(frame(encodeRecord({ kind: 'compaction', index: this.compactedIndex, term: this.compactedTerm })));
    return Buffer.concat(header);
  }

  /** Creates segment `seq` filled with zeros, durably (data and directory entry). */
  private async prepareSegment(seq: number): Promise<PreparedSegment> {
    const path = join(this.dir, segmentName(seq));
    const fh = await open(path, 'w+');
    for (let at = 0; at < this.segmentMaxBytes; at += ZERO_CHUNK.length) {
      await fh.write(ZERO_CHUNK, 0, Math.min(ZERO_CHUNK.length, this.segmentMaxBytes - at), at);
    }
    await fh.sync();
    fsyncDir(this.dir);
    return { seq, path, fh };
  }

  private prepareInBackground(seq: number): Promise<PreparedSegment> {
    const p = this.prepareSegment(seq);
    // The error is not lost: roll() awaits this promise and fails the sync with it. The handler
    // only keeps Node from reporting it as unhandled while no roll is waiting yet.
    p.catch(() => undefined);
    return p;
  }

  /**
   * Discards entries up to `uptoIndex`. The caller guarantees their effect is durable elsewhere
   * (flushed to RocksDB SSTs). Whole segments below the mark are deleted.
   */
  async compact(uptoIndex: number): Promise<void> {
    if (uptoIndex <= this.compactedIndex) return;
    walAssert(uptoIndex <= this.lastIndex, `compact(${uptoIndex}) beyond the last index ${this.lastIndex}`);
    const term = this.term(uptoIndex)!;
    this.entriesMem = this.entriesMem.slice(uptoIndex - this.compactedIndex);
    this.compactedIndex = uptoIndex;
    this.compactedTerm = term;
    this.bufferRecord({ kind: 'compaction', index: uptoIndex, term });
    this.bufferRecord({ kind: 'hardState', hardState: this.hs });
    await this.sync();
    // Every segment but the tail whose entries are all compacted can go: the tail now holds the
    // compaction mark and the latest hard state.
    const keep: Segment[] = [];
    for (const seg of this.segments) {
      const isTail = seg === this.segments[this.segments.length - 1];
      if (!isTail && seg.maxIndex <= uptoIndex) await unlink(seg.path);
      else keep.push(seg);
    }
    if (keep.length !== this.segments.length) fsyncDir(this.dir);
    this.segments = keep;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.sync();
    this.closed = true;
    await this.fh?.close();
    this.fh = null;
    const next = this.next;
    this.next = null;
    if (next !== null) {
      // The unused preallocation goes; recovery would drop it anyway.
      const prepared = await next;
      await prepared.fh.close();
      await unlink(prepared.path);
    }
  }

  private recover(): void {
    const names = readdirSync(this.dir)
      .filter((n) => n.endsWith(SEGMENT_SUFFIX))
      .sort();
    const buffers = names.map((n) => readFileSync(join(this.dir, n)));
    // Preallocated segments never written to (a crash before their first record): not part of the log.
    while (names.length > 0 && isZero(buffers[buffers.length - 1]!, 0)) {
      unlinkSync(join(this.dir, names.pop()!));
      buffers.pop();
      fsyncDir(this.dir);
    }
    for (let s = 0; s < names.length; s++) {
      const path = join(this.dir, names[s]!);
      const isLast = s === names.length - 1;
      const buf = buffers[s]!;
      const seg: Segment = { seq: Number(names[s]!.slice(0, 16)), path, sizeBytes: 0, maxIndex: 0 };
      let offset = 0;
      while (offset < buf.length) {
        const f = readFrame(buf, offset);
        let record: WalRecord | null = null;
        let reason = f.ok ? '' : f.reason;
        if (f.ok) {
          try {
            record = decodeRecord(f.payload);
          } catch (e) {
            reason = `undecodable record: ${(e as Error).message}`;
          }
        }
        if (record === null && isZero(buf, offset)) break; // the unused rest of a preallocated segment
        if (record === null) {
          if (!isLast || hasValidFrameAfter(buf, offset)) throw new WalCorruptionError(path, offset, reason);
          const droppedBytes = buf.length - offset;
          this.logger?.warn({ file: path, offset, droppedBytes, reason }, 'truncating torn WAL tail');
          // Zero the torn bytes rather than shorten the file: the segment stays preallocated.
          const fd = openSync(path, 'r+');
          writeSync(fd, Buffer.alloc(droppedBytes), 0, droppedBytes, offset);
          fsyncSync(fd);
          closeSync(fd);
          break;
        }
        this.replayRecord(record, path, offset);
        if (record.kind === 'entry') seg.maxIndex = Math.max(seg.maxIndex, record.entry.index);
        offset = f.ok ? f.next : offset;
      }
      seg.sizeBytes = offset;
      this.segments.push(seg);
    }
    if (this.compactedIndex < this.inferredBase || (this.inferredBase > 0 && this.compactedTerm === 0)) {
      throw new WalCorruptionError(this.dir, 0, `entries before ${this.inferredBase + 1} are missing and no compaction mark covers them`);
    }
    if (names.length > 0) {
      this.logger?.info(
        { segments: names.length, firstIndex: this.firstIndex, lastIndex: this.lastIndex, hardState: this.hs },
        'WAL recovered',
      );
    }
  }

  private replayRecord(r: WalRecord, file: string, offset: number): void {
    switch (r.kind) {
      case 'hardState':
        this.hs = r.hardState;
        return;
      case 'truncation':
        if (r.fromIndex <= this.lastIndex) this.entriesMem.length = Math.max(0, r.fromIndex - this.compactedIndex - 1);
        return;
      case 'compaction':
        if (r.index >= this.compactedIndex) {
          this.entriesMem = r.index >= this.lastIndex ? [] : this.entriesMem.slice(r.index - this.compactedIndex);
          this.compactedIndex = r.index;
          this.compactedTerm = r.term;
        }
        return;
      case 'entry': {
        const e = r.entry;
        if (e.index <= this.compactedIndex) return; // compacted by a later mark we already saw
        if (this.entriesMem.length === 0 && this.compactedIndex === 0 && e.index > 1) {
          // Segments before this one were deleted by a compaction whose mark is in a later segment.
          this.inferredBase = e.index - 1;
          this.compactedIndex = e.index - 1;
        }
        if (e.index !== this.lastIndex + 1) {
          throw new WalCorruptionError(file, offset, `entry ${e.index} does not follow ${this.lastIndex}`);
        }
        this.entriesMem.push(e);
        return;
      }
    }
  }

  private async openTail(): Promise<void> {
    if (this.segments.length === 0) {
      const prepared = await this.prepareSegment(1);
      this.fh = prepared.fh;
      this.segments.push({ seq: 1, path: prepared.path, sizeBytes: 0, maxIndex: 0 });
    } else {
      this.fh = await open(this.segments[this.segments.length - 1]!.path, 'r+');
    }
    this.next = this.prepareInBackground(this.segments[this.segments.length - 1]!.seq + 1);
  }
}

/** Whether every byte of `buf` from `offset` on is zero. */
function isZero(buf: Buffer, offset: number): boolean {
  for (let at = offset; at < buf.length; at += ZERO_CHUNK.length) {
    const n = Math.min(ZERO_CHUNK.length, buf.length - at);
    if (!buf.subarray(at, at + n).equals(ZERO_CHUNK.subarray(0, n))) return false;
  }
  return true;
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
