// The RocksDB shell: batched point reads (one multi-get per event-loop turn), iterators,
// atomic write batches, range deletes and memtable flushes. No encoding knowledge here.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface NativeReadBatch {
  get(key: Buffer): Promise<Buffer | null>;
  tryFlush(): void;
}
interface NativeWriteBatch {
  tryPut(key: Buffer, value: Buffer): void;
  tryDelete(key: Buffer): void;
  tryDeleteRange(start: Buffer, end: Buffer): void;
  flush(): Promise<void>;
}
interface NativeIteratorOptions {
  gt?: Buffer;
  gte?: Buffer;
  lt?: Buffer;
  lte?: Buffer;
  reverse?: boolean;
  limit?: number;
  values?: boolean;
  capacity?: number;
}
interface NativeDb {
  ready(): Promise<void>;
  read(opts?: { capacity?: number; autoDestroy?: boolean }): NativeReadBatch;
  write(opts?: { capacity?: number; autoDestroy?: boolean }): NativeWriteBatch;
  iterator(opts: NativeIteratorOptions): AsyncIterable<{ key: Buffer; value: Buffer | null }>;
  snapshot(): NativeDb;
  flush(): Promise<void>;
  compactRange(start: Buffer | null, end: Buffer | null): Promise<void>;
  close(): Promise<void>;
}
type NativeDbConstructor = new (path: string, opts?: object) => NativeDb;
const RocksDB = require('rocksdb-native') as NativeDbConstructor;

export type WriteOp =
  | { readonly op: 'put'; readonly key: Buffer; readonly value: Buffer }
  | { readonly op: 'del'; readonly key: Buffer }
  | { readonly op: 'delRange'; readonly start: Buffer; readonly end: Buffer };

export interface IterateOptions {
  readonly gt?: Buffer;
  readonly gte?: Buffer;
  readonly lt?: Buffer;
  readonly lte?: Buffer;
  readonly reverse?: boolean;
  readonly limit?: number;
  readonly keysOnly?: boolean;
}

/** Largest number of gets sent in one native read batch; more start a new batch in the same turn. */
const READ_BATCH_MAX_KEYS = 4096;

export class Store {
  private batch: NativeReadBatch | null = null;
  private batchKeys = 0;
  private flushScheduled = false;
  readonly stats = { readBatches: 0, reads: 0, writeBatches: 0 };

  private constructor(private readonly db: NativeDb) {}

  static async open(path: string): Promise<Store> {
    const db = new RocksDB(path);
    await db.ready();
    return new Store(db);
  }

  /** Point read, coalesced with every other read of this event-loop turn into one multi-get. */
  get(key: Buffer): Promise<Buffer | null> {
    if (this.batch === null || this.batchKeys >= READ_BATCH_MAX_KEYS) {
      this.flushReads();
      this.batch = this.db.read({ capacity: 64, autoDestroy: true });
      this.batchKeys = 0;
    }
    this.batchKeys++;
    this.stats.reads++;
    const promise = this.batch.get(key);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flushReads);
    }
    return promise;
  }

  private readonly flushReads = (): void => {
    this.flushScheduled = false;
    const batch = this.batch;
    if (batch === null) return;
    this.batch = null;
    this.stats.readBatches++;
    batch.tryFlush();
  };

  async *iterate(opts: IterateOptions): AsyncGenerator<{ key: Buffer; value: Buffer }> {
    const native: NativeIteratorOptions = { capacity: 256, values: !opts.keysOnly };
    if (opts.gt) native.gt = opts.gt;
    if (opts.gte) native.gte = opts.gte;
    if (opts.lt) native.lt = opts.lt;
    if (opts.lte) native.lte = opts.lte;
    if (opts.reverse) native.reverse = true;
    if (opts.limit !== undefined) native.limit = opts.limit;
    for await (const entry of this.db.iterator(native)) {
      yield { key: entry.key, value: entry.value ?? Buffer.alloc(0) };
    }
  }

  /** Applies all ops atomically (one RocksDB write batch). */
  async write(ops: readonly WriteOp[]): Promise<void> {
    if (ops.length === 0) return;
    const batch = this.db.write({ capacity: Math.max(8, ops.length), autoDestroy: true });
    for (const op of ops) {
      if (op.op === 'put') batch.tryPut(op.key, op.value);
      else if (op.op === 'del') batch.tryDelete(op.key);
      else batch.tryDeleteRange(op.start, op.end);
    }
    this.stats.writeBatches++;
    await batch.flush();
  }

  /** Flushes memtables to SST files: after this, state no longer depends on RocksDB's own WAL. */
  flush(): Promise<void> {
    return this.db.flush();
  }

  compactRange(start: Buffer | null, end: Buffer | null): Promise<void> {
    return this.db.compactRange(start, end);
  }

  async close(): Promise<void> {
    this.flushReads();
    await this.db.close();
  }
}
