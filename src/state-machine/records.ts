// Record-level views of the store: what commands read through (RecordReader) and the
// write overlay of one apply batch (Overlay), which reads its own writes and commits atomically.
import type { IterateOptions, Store, WriteOp } from './store.js';

export interface RecordReader {
  get(key: Buffer): Promise<Buffer | null>;
  iterate(opts: IterateOptions): AsyncGenerator<{ key: Buffer; value: Buffer }>;
}

/** Reads straight from the store (read commands). */
export class StoreReader implements RecordReader {
  constructor(private readonly store: Store) {}
  get(key: Buffer): Promise<Buffer | null> {
    return this.store.get(key);
  }
  iterate(opts: IterateOptions): AsyncGenerator<{ key: Buffer; value: Buffer }> {
    return this.store.iterate(opts);
  }
}

const latin1 = (b: Buffer): string => b.toString('latin1');

/**
 * The changes of one apply batch. Reads see earlier writes of the same batch; `ops()` yields the
 * final puts/deletes (last write wins) for the single RocksDB write batch.
 */
export class Overlay implements RecordReader {
  /** latin1(key) -> value, or null for a delete. */
  private readonly writes = new Map<string, Buffer | null>();
  /** Values read from the store during this batch, so repeated reads cost nothing. */
  private readonly cache = new Map<string, Buffer | null>();
  private readonly rangeDeletes: { start: Buffer; end: Buffer }[] = [];

  constructor(private readonly store: Store) {}

  async get(key: Buffer): Promise<Buffer | null> {
    const k = latin1(key);
    const written = this.writes.get(k);
    if (written !== undefined) return written;
    if (this.inDeletedRange(key)) return null;
    const cached = this.cache.get(k);
    if (cached !== undefined) return cached;
    const value = await this.store.get(key);
    if (!this.cache.has(k)) this.cache.set(k, value);
    return this.writes.has(k) ? this.writes.get(k)! : value;
  }

  /** Reads many keys with one store round trip (before a batch executes). */
  async prefetch(keys: readonly Buffer[]): Promise<void> {
    const missing = keys.filter((key) => !this.cache.has(latin1(key)) && !this.writes.has(latin1(key)));
    const values = await Promise.all(missing.map((key) => this.store.get(key)));
    missing.forEach((key, i) => this.cache.set(latin1(key), values[i]!));
  }

  put(key: Buffer, value: Buffer): void {
    this.writes.set(latin1(key), value);
  }

  del(key: Buffer): void {
    this.writes.set(latin1(key), null);
  }

  /** Deletes [start, end): also hides store records in the range from later reads in this batch. */
  delRange(start: Buffer, end: Buffer): void {
    for (const k of this.writes.keys()) {
      const key = Buffer.from(k, 'latin1');
      if (Buffer.compare(key, start) >= 0 && Buffer.compare(key, end) < 0) this.writes.delete(k);
    }
    this.rangeDeletes.push({ start, end });
  }

  private inDeletedRange(key: Buffer): boolean {
    for (const r of this.rangeDeletes) {
      if (Buffer.compare(key, r.start) >= 0 && Buffer.compare(key, r.end) < 0) return true;
    }
    return false;
  }

  /** Store iteration with this batch's writes merged in, in key order. */
  async *iterate(opts: IterateOptions): AsyncGenerator<{ key: Buffer; value: Buffer }> {
    const inRange = (key: Buffer): boolean =>
      (!opts.gt || Buffer.compare(key, opts.gt) > 0) &&
      (!opts.gte || Buffer.compare(key, opts.gte) >= 0) &&
      (!opts.lt || Buffer.compare(key, opts.lt) < 0) &&
      (!opts.lte || Buffer.compare(key, opts.lte) <= 0);
    const sign = opts.reverse ? -1 : 1;
    const local = [...this.writes.entries()]
      .map(([k, v]) => ({ key: Buffer.from(k, 'latin1'), value: v }))
      .filter((e) => inRange(e.key))
      .sort((a, b) => sign * Buffer.compare(a.key, b.key));
    let li = 0;
    let emitted = 0;
    const limit = opts.limit ?? Infinity;
    // The store needs to yield at most `limit` entries plus those this batch hides: deleted
    // keys are counted; a range delete could hide any number, so then no limit applies.
    const hiddenByDeletes = local.filter((l) => l.value === null).length;
    const rangeDeleted = this.rangeDeletes.some(
      (r) => (!opts.lt || Buffer.compare(r.start, opts.lt) < 0) && (!opts.lte || Buffer.compare(r.start, opts.lte) <= 0) &&
        (!opts.gte || Buffer.compare(r.end, opts.gte) > 0) && (!opts.gt || Buffer.compare(r.end, opts.gt) > 0),
    );
    const storeLimit = opts.limit === undefined || rangeDeleted ? undefined : opts.limit + hiddenByDeletes;
    const storeOpts: IterateOptions = { ...opts, limit: storeLimit };
    for await (const entry of this.store.iterate(storeOpts)) {
      while (li < local.length && sign * Buffer.compare(local[li]!.key, entry.key) < 0) {
        const l = local[li++]!;
        if (l.value !== null) {
          yield { key: l.key, value: l.value };
          if (++emitted >= limit) return;
        }
      }
      if (li < local.length && local[li]!.key.equals(entry.key)) {
        const l = local[li++]!;
        if (l.value !== null) {
          yield { key: l.key, value: l.value };
          if (++emitted >= limit) return;
        }
        continue;
      }
      if (this.inDeletedRange(entry.key)) continue;
      yield entry;
      if (++emitted >= limit) return;
    }
    for (; li < local.length; li++) {
      const l = local[li]!;
      if (l.value !== null) {
        yield { key: l.key, value: l.value };
        if (++emitted >= limit) return;
      }
    }
  }

  ops(): WriteOp[] {
    const out: WriteOp[] = this.rangeDeletes.map((r) => ({ op: 'delRange', start: r.start, end: r.end }));
    for (const [k, v] of this.writes) {
      const key = Buffer.from(k, 'latin1');
      out.push(v === null ? { op: 'del', key } : { op: 'put', key, value: v });
    }
    return out;
  }
}
