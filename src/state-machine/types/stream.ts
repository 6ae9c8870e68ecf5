// Streams with consumer groups on the Pika-style encoding. The meta record (type Stream, version,
// count = length) keeps in `extra` the stream's bookkeeping; everything else is a data record
// under the key's version, so DEL is O(1) and old versions go to background GC:
//
//   'e' | id                                   -> entry: its field/value pairs
//   'n' | masterId                             -> node: valid, deleted, listpack bytes, last id, master fields
//   'g' | group                                -> group: last-delivered id, entries-read, pel and consumer counts
//   'p' | len(group) | group | id              -> NACK: delivery time, delivery count, consumer
//   'c' | len(group) | group | consumer        -> consumer: seen time, pel count
//   'q' | len(group) | group | len(c) | c | id -> '' (the consumer's PEL, by ID)
//
// IDs are 16 big-endian bytes, so XRANGE, XREAD, XPENDING and trimming are range scans.
// Nodes model Redis's listpack nodes (stream-node-max-entries 100, stream-node-max-bytes 4096
// against the listpack size Redis would have, stream-listpack.ts), which is what MAXLEN/MINID
// `~` trims whole.
import { assert } from '../../util/assert.js';
import { dataPrefix, KeyType, type Meta } from '../encoding.js';
import type { Keyspace, MutableKeyspace } from '../keyspace.js';
import { WRONGTYPE, type Wrongtype } from './string.js';
import { compareIds, decodeId, encodeId, ID_BYTES, isZeroId, MAX_ID, MIN_ID, type StreamId } from './stream-id.js';
import { entryBytes, newNodeBytes, rawEntryLength } from './stream-listpack.js';

export { WRONGTYPE, type Wrongtype };

/** Redis 7.0 defaults: stream-node-max-entries and stream-node-max-bytes. */
export const NODE_ENTRIES_MAX = 100;
export const NODE_BYTES_MAX = 4096;
/** SCG_INVALID_ENTRIES_READ: a group whose entries-read counter is unknown. */
export const ENTRIES_READ_INVALID = -1n;

const TAG = { entry: 0x65, node: 0x6e, group: 0x67, nack: 0x70, consumer: 0x63, consumerPel: 0x71 } as const;

/** The stream's bookkeeping kept in meta.extra. */
export interface StreamState {
  readonly length: number;
  readonly lastId: StreamId;
  /** recorded-first-entry-id */
  readonly firstId: StreamId;
  readonly maxDeletedId: StreamId;
  readonly entriesAdded: bigint;
  readonly groups: number;
  /** The last node's master ID (null: no node), so XADD finds its node with a point read. */
  readonly tailNode: StreamId | null;
  /** How many nodes there are (XINFO radix-tree-keys). */
  readonly nodes: number;
}

export interface StreamEntry {
  readonly id: StreamId;
  /** field, value, field, value, ... */
  readonly fields: readonly Buffer[];
}

export interface Group {
  readonly name: Buffer;
  readonly lastId: StreamId;
  /** ENTRIES_READ_INVALID when unknown. */
  readonly entriesRead: bigint;
  readonly pelCount: number;
  readonly consumers: number;
}

export interface Consumer {
  readonly name: Buffer;
  readonly seenTimeMs: number;
  readonly pelCount: number;
}

/** A pending entry (Redis streamNACK). */
export interface Nack {
  readonly id: StreamId;
  readonly consumer: Buffer;
  readonly deliveryTimeMs: number;
  readonly deliveryCount: bigint;
}

interface Node {
  readonly start: StreamId;
  readonly valid: number;
  readonly deleted: number;
  readonly bytes: number;
  readonly lastId: StreamId;
  /** The field names of the node's first entry (Redis's master entry). */
  readonly masterFields: readonly Buffer[];
}

const EXTRA_BYTES = 4 * ID_BYTES + 25;

function encodeState(s: StreamState): Buffer {
  const out = Buffer.allocUnsafe(EXTRA_BYTES);
  encodeId(s.lastId).copy(out, 0);
  encodeId(s.firstId).copy(out, 16);
  encodeId(s.maxDeletedId).copy(out, 32);
  out.writeBigUInt64BE(s.entriesAdded, 48);
  out.writeBigUInt64BE(BigInt(s.groups), 56);
  out[64] = s.tailNode === null ? 0 : 1;
  encodeId(s.tailNode ?? MIN_ID).copy(out, 65);
  out.writeBigUInt64BE(BigInt(s.nodes), 81);
  return out;
}

function decodeState(meta: Meta): StreamState {
  assert(meta.extra.length === EXTRA_BYTES, 'stream meta record has the wrong size');
  const x = meta.extra;
  return {
    length: meta.count,
    lastId: decodeId(x, 0),
    firstId: decodeId(x, 16),
    maxDeletedId: decodeId(x, 32),
    entriesAdded: x.readBigUInt64BE(48),
    groups: Number(x.readBigUInt64BE(56)),
    tailNode: x[64] === 1 ? decodeId(x, 65) : null,
    nodes: Number(x.readBigUInt64BE(81)),
  };
}

const u32 = (n: number): Buffer => {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n);
  return b;
};
const tagged = (tag: number, ...parts: Buffer[]): Buffer => Buffer.concat([Buffer.from([tag]), ...parts]);
const named = (name: Buffer): Buffer => Buffer.concat([u32(name.length), name]);

export function encodeFields(fields: readonly Buffer[]): Buffer {
  return Buffer.concat([u32(fields.length), ...fields.flatMap((f) => [u32(f.length), f])]);
}

function decodeFields(raw: Buffer): Buffer[] {
  const n = raw.readUInt32BE(0);
  const out: Buffer[] = [];
  let o = 4;
  for (let i = 0; i < n; i++) {
    const len = raw.readUInt32BE(o);
    out.push(Buffer.from(raw.subarray(o + 4, o + 4 + len)));
    o += 4 + len;
  }
  return out;
}

function encodeNode(n: Node): Buffer {
  const head = Buffer.allocUnsafe(12 + ID_BYTES);
  head.writeUInt32BE(n.valid, 0);
  head.writeUInt32BE(n.deleted, 4);
  head.writeUInt32BE(n.bytes, 8);
  encodeId(n.lastId).copy(head, 12);
  return Buffer.concat([head, encodeFields(n.masterFields)]);
}

const decodeNode = (start: StreamId, raw: Buffer): Node => ({
  start,
  valid: raw.readUInt32BE(0),
  deleted: raw.readUInt32BE(4),
  bytes: raw.readUInt32BE(8),
  lastId: decodeId(raw, 12),
  masterFields: decodeFields(raw.subarray(12 + ID_BYTES)),
});

function encodeGroup(g: Group): Buffer {
  const out = Buffer.allocUnsafe(ID_BYTES + 24);
  encodeId(g.lastId).copy(out, 0);
  out.writeBigInt64BE(g.entriesRead, 16);
  out.writeBigUInt64BE(BigInt(g.pelCount), 24);
  out.writeBigUInt64BE(BigInt(g.consumers), 32);
  return out;
}

const decodeGroup = (name: Buffer, raw: Buffer): Group => ({
  name,
  lastId: decodeId(raw, 0),
  entriesRead: raw.readBigInt64BE(16),
  pelCount: Number(raw.readBigUInt64BE(24)),
  consumers: Number(raw.readBigUInt64BE(32)),
});

function encodeNack(n: Nack): Buffer {
  const out = Buffer.allocUnsafe(16 + n.consumer.length);
  out.writeBigUInt64BE(BigInt(n.deliveryTimeMs), 0);
  out.writeBigUInt64BE(n.deliveryCount, 8);
  n.consumer.copy(out, 16);
  return out;
}

const decodeNack = (id: StreamId, raw: Buffer): Nack => ({
  id,
  deliveryTimeMs: Number(raw.readBigUInt64BE(0)),
  deliveryCount: raw.readBigUInt64BE(8),
  consumer: Buffer.from(raw.subarray(16)),
});

function encodeConsumer(c: Consumer): Buffer {
  const out = Buffer.allocUnsafe(16);
  out.writeBigUInt64BE(BigInt(c.seenTimeMs), 0);
  out.writeBigUInt64BE(BigInt(c.pelCount), 8);
  return out;
}

const decodeConsumer = (name: Buffer, raw: Buffer): Consumer => ({
  name,
  seenTimeMs: Number(raw.readBigUInt64BE(0)),
  pelCount: Number(raw.readBigUInt64BE(8)),
});

/** An inclusive range of IDs. */
export interface IdRange {
  readonly start: StreamId;
  readonly end: StreamId;
  readonly reverse?: boolean;
  /** At most this many (undefined: all). */
  readonly limit?: number;
}

/** Read access to one stream. */
export class StreamView {
  protected state: StreamState;
  protected readonly prefix: Buffer;

  constructor(
    protected readonly ks: Keyspace,
    readonly db: number,
    readonly key: Buffer,
    protected current: Meta,
  ) {
    this.state = decodeState(current);
    this.prefix = dataPrefix(ks.physical(db), key, current.version);
  }

  get info(): StreamState {
    return this.state;
  }

  protected rec(tag: number, ...parts: Buffer[]): Buffer {
    return Buffer.concat([this.prefix, tagged(tag, ...parts)]);
  }

  private async *scan(gte: Buffer, lte: Buffer, reverse: boolean, limit: number | undefined): AsyncGenerator<{ key: Buffer; value: Buffer }> {
    if (limit !== undefined && limit <= 0) return;
    const opts = { gte, lte, ...(reverse ? { reverse: true } : {}), ...(limit !== undefined ? { limit } : {}) };
    for await (const { key, value } of this.ks.reader.iterate(opts)) yield { key: Buffer.from(key), value: Buffer.from(value) };
  }

  async *entries(r: IdRange): AsyncGenerator<StreamEntry> {
    if (compareIds(r.start, r.end) > 0) return;
    const from = this.rec(TAG.entry, encodeId(r.start));
    const to = this.rec(TAG.entry, encodeId(r.end));
    for await (const { key, value } of this.scan(from, to, r.reverse ?? false, r.limit)) {
      yield { id: decodeId(key, key.length - ID_BYTES), fields: decodeFields(value) };
    }
  }

  async entry(id: StreamId): Promise<StreamEntry | null> {
    const raw = await this.ks.reader.get(this.rec(TAG.entry, encodeId(id)));
    return raw === null ? null : { id, fields: decodeFields(raw) };
  }

  /** The first (or last) live entry's ID, null when empty (streamGetEdgeID skipping tombstones). */
  async edgeId(last: boolean): Promise<StreamId | null> {
    for await (const e of this.entries({ start: MIN_ID, end: MAX_ID, reverse: last, limit: 1 })) return e.id;
    return null;
  }

  protected async *nodes(reverse: boolean, upTo: StreamId = MAX_ID, limit?: number): AsyncGenerator<Node> {
    const from = this.rec(TAG.node, encodeId(MIN_ID));
    const to = this.rec(TAG.node, encodeId(upTo));
    for await (const { key, value } of this.scan(from, to, reverse, limit)) {
      yield decodeNode(decodeId(key, key.length - ID_BYTES), value);
    }
  }

  async group(name: Buffer): Promise<Group | null> {
    const raw = await this.ks.reader.get(this.rec(TAG.group, name));
    return raw === null ? null : decodeGroup(name, raw);
  }

  /** Groups in name byte order (Redis keeps them in a radix tree). */
  async *groups(): AsyncGenerator<Group> {
    const from = this.rec(TAG.group);
    const to = this.rec(TAG.group + 1);
    for await (const { key, value } of this.ks.reader.iterate({ gte: from, lt: to })) {
      const name = Buffer.from(key.subarray(from.length));
      yield decodeGroup(name, Buffer.from(value));
    }
  }

  async consumer(group: Buffer, name: Buffer): Promise<Consumer | null> {
    const raw = await this.ks.reader.get(this.rec(TAG.consumer, named(group), name));
    return raw === null ? null : decodeConsumer(name, raw);
  }

  async *consumers(group: Buffer): AsyncGenerator<Consumer> {
    const from = this.rec(TAG.consumer, named(group));
    for await (const { key, value } of this.ks.reader.iterate({ gte: from, lt: nextPrefix(from) })) {
      yield decodeConsumer(Buffer.from(key.subarray(from.length)), Buffer.from(value));
    }
  }

  async nack(group: Buffer, id: StreamId): Promise<Nack | null> {
    const raw = await this.ks.reader.get(this.rec(TAG.nack, named(group), encodeId(id)));
    return raw === null ? null : decodeNack(id, raw);
  }

  /** The group's PEL in ID order within the range. */
  async *pel(group: Buffer, r: IdRange): AsyncGenerator<Nack> {
    if (compareIds(r.start, r.end) > 0) return;
    const head = this.rec(TAG.nack, named(group));
    const from = Buffer.concat([head, encodeId(r.start)]);
    const to = Buffer.concat([head, encodeId(r.end)]);
    for await (const { key, value } of this.scan(from, to, r.reverse ?? false, r.limit)) {
      yield decodeNack(decodeId(key, key.length - ID_BYTES), value);
    }
  }

  /** The IDs a consumer has pending, in ID order within the range. */
  async *consumerPel(group: Buffer, consumer: Buffer, r: IdRange): AsyncGenerator<StreamId> {
    if (compareIds(r.start, r.end) > 0) return;
    const head = this.rec(TAG.consumerPel, named(group), named(consumer));
    const from = Buffer.concat([head, encodeId(r.start)]);
    const to = Buffer.concat([head, encodeId(r.end)]);
    for await (const { key } of this.scan(from, to, r.reverse ?? false, r.limit)) yield decodeId(key, key.length - ID_BYTES);
  }

  /** streamRangeHasTombstones: whether an entry deleted by XDEL may lie in [start, end]. */
  rangeHasTombstones(start: StreamId | null, end: StreamId | null): boolean {
    const s = this.state;
    if (s.length === 0 || isZeroId(s.maxDeletedId)) return false;
    if (compareIds(s.firstId, s.maxDeletedId) > 0) return false;
    return compareIds(start ?? MIN_ID, s.maxDeletedId) <= 0 && compareIds(s.maxDeletedId, end ?? MAX_ID) <= 0;
  }

  /** streamEstimateDistanceFromFirstEverEntry: the entries-read counter of `id`, or -1 when unknown. */
  estimateDistance(id: StreamId): bigint {
    const s = this.state;
    if (s.entriesAdded === 0n) return 0n;
    if (s.length === 0 && compareIds(id, s.lastId) < 1) return s.entriesAdded;
    const cmpLast = compareIds(id, s.lastId);
    if (cmpLast === 0) return s.entriesAdded;
    if (cmpLast > 0) return ENTRIES_READ_INVALID;
    const cmpFirst = compareIds(id, s.firstId);
    if (isZeroId(s.maxDeletedId) || compareIds(s.maxDeletedId, s.firstId) < 0) {
      if (cmpFirst < 0) return s.entriesAdded - BigInt(s.length);
      if (cmpFirst === 0) return s.entriesAdded - BigInt(s.length) + 1n;
    }
    return ENTRIES_READ_INVALID;
  }

  /** streamReplyWithCGLag: the group's lag, or null when it cannot be known. */
  lag(g: Group): bigint | null {
    const s = this.state;
    if (s.entriesAdded === 0n) return 0n;
    if (g.entriesRead !== ENTRIES_READ_INVALID && !this.rangeHasTombstones(g.lastId, null)) return s.entriesAdded - g.entriesRead;
    const read = this.estimateDistance(g.lastId);
    return read === ENTRIES_READ_INVALID ? null : s.entriesAdded - read;
  }
}

/** Trimming options (streamAddTrimArgs). */
export interface TrimArgs {
  readonly strategy: 'maxlen' | 'minid';
  readonly maxlen: bigint;
  readonly minid: StreamId;
  readonly approx: boolean;
  /** 0 = no limit. */
  readonly limit: bigint;
}

/** Changes to one stream inside an apply batch; `commit()` writes the meta record. */
export class StreamWriter extends StreamView {
  constructor(
    private readonly mks: MutableKeyspace,
    db: number,
    key: Buffer,
    meta: Meta,
    private dirty: boolean,
  ) {
    super(mks, db, key, meta);
  }

  update(changes: Partial<Omit<StreamState, 'length'>>): void {
    this.state = { ...this.state, ...changes };
    this.dirty = true;
  }

  private put(key: Buffer, value: Buffer): void {
    this.mks.overlay.put(key, value);
    this.dirty = true;
  }

  private del(key: Buffer): void {
    this.mks.overlay.del(key);
    this.dirty = true;
  }

  private setLength(length: number): void {
    assert(length >= 0, 'stream length went negative');
    this.state = { ...this.state, length };
    this.dirty = true;
  }

  /** streamAppendItem after the ID checks: stores the entry in the tail node or a new one. */
  async append(id: StreamId, fields: readonly Buffer[]): Promise<void> {
    assert(compareIds(id, this.state.lastId) > 0, 'stream IDs only grow');
    const tailKey = this.state.tailNode === null ? null : this.rec(TAG.node, encodeId(this.state.tailNode));
    const tailRaw = tailKey === null ? null : await this.mks.overlay.get(tailKey);
    assert(tailKey === null || tailRaw !== null, 'the stream tail node record exists');
    const tail: Node | null = tailRaw === null ? null : decodeNode(this.state.tailNode!, tailRaw);
    const full = tail === null || tail.bytes + rawEntryLength(fields) >= NODE_BYTES_MAX || tail.valid + tail.deleted >= NODE_ENTRIES_MAX;
    let node: Node;
    if (full) {
      const masterFields = fields.filter((_, i) => i % 2 === 0);
      node = { start: id, valid: 1, deleted: 0, bytes: newNodeBytes(fields) + entryBytes(id, fields, id, masterFields), lastId: id, masterFields };
    } else {
      const t = tail!;
      node = { ...t, valid: t.valid + 1, bytes: t.bytes + entryBytes(id, fields, t.start, t.masterFields), lastId: id };
    }
    this.put(this.rec(TAG.node, encodeId(node.start)), encodeNode(node));
    this.put(this.rec(TAG.entry, encodeId(id)), encodeFields(fields));
    const length = this.state.length + 1;
    const nodes = this.state.nodes + (full ? 1 : 0);
    this.state = { ...this.state, length, lastId: id, entriesAdded: this.state.entriesAdded + 1n, tailNode: node.start, nodes, ...(length === 1 ? { firstId: id } : {}) };
  }

  /** Deletes a node record; when it was the tail, the node before it (if any) becomes the tail, as in Redis's radix tree. */
  private async dropNode(start: StreamId): Promise<void> {
    this.del(this.rec(TAG.node, encodeId(start)));
    this.update({ nodes: this.state.nodes - 1 });
    const tail = this.state.tailNode;
    if (tail === null || compareIds(tail, start) !== 0) return;
    let last: StreamId | null = null;
    for await (const n of this.nodes(true, MAX_ID, 1)) last = n.start;
    this.update({ tailNode: last });
  }

  private async nodeOf(id: StreamId): Promise<Node> {
    for await (const n of this.nodes(true, id, 1)) return n;
    throw new Error(`invariant violated: stream entry ${id.ms}-${id.seq} belongs to no node`);
  }

  /** Removes one entry (streamDeleteItem): true when it existed. A node left empty goes. */
  async deleteEntry(id: StreamId): Promise<boolean> {
    const key = this.rec(TAG.entry, encodeId(id));
    if ((await this.mks.overlay.get(key)) === null) return false;
    this.del(key);
    const node = await this.nodeOf(id);
    if (node.valid === 1) await this.dropNode(node.start);
    else this.put(this.rec(TAG.node, encodeId(node.start)), encodeNode({ ...node, valid: node.valid - 1, deleted: node.deleted + 1 }));
    this.setLength(this.state.length - 1);
    return true;
  }

  /** streamTrim: removes entries from the head; returns how many. */
  async trim(a: TrimArgs): Promise<number> {
    let deleted = 0;
    // Nodes are read one by one from the head and the loop stops at the first it cannot drop
    // whole, so trimming reads only what it removes plus one node. The node records it deletes
    // are behind the iterator, which never sees them again.
    for await (const node of this.nodes(false)) {
      if (a.strategy === 'maxlen' && BigInt(this.state.length) <= a.maxlen) break;
      const entries = node.valid;
      if (a.limit !== 0n && BigInt(deleted + entries) > a.limit) break;
      const removeNode = a.strategy === 'maxlen' ? BigInt(this.state.length - entries) >= a.maxlen : compareIds(node.lastId, a.minid) < 0;
      if (removeNode) {
        const from = this.rec(TAG.entry, encodeId(node.start));
        const to = Buffer.concat([this.rec(TAG.entry, encodeId(node.lastId)), Buffer.from([0])]);
        this.mks.overlay.delRange(from, to);
        await this.dropNode(node.start);
        this.setLength(this.state.length - entries);
        deleted += entries;
        continue;
      }
      if (a.approx) break;
      let removed = 0;
      for await (const e of this.entries({ start: node.start, end: node.lastId })) {
        const stop = a.strategy === 'maxlen' ? BigInt(this.state.length) <= a.maxlen : compareIds(e.id, a.minid) >= 0;
        if (stop) break;
        this.del(this.rec(TAG.entry, encodeId(e.id)));
        this.setLength(this.state.length - 1);
        removed++;
      }
      if (removed === node.valid) await this.dropNode(node.start);
      else if (removed > 0) this.put(this.rec(TAG.node, encodeId(node.start)), encodeNode({ ...node, valid: node.valid - removed, deleted: node.deleted + removed }));
      deleted += removed;
      break;
    }
    if (deleted > 0) this.update({ firstId: (await this.edgeId(false)) ?? MIN_ID });
    return deleted;
  }

  /** Creates or updates a group (its pel and consumer counts are kept by the methods below). */
  putGroup(g: Group): void {
    this.put(this.rec(TAG.group, g.name), encodeGroup(g));
  }

  /** Creates a group; false when one of that name exists. */
  async createGroup(name: Buffer, lastId: StreamId, entriesRead: bigint): Promise<boolean> {
    if ((await this.group(name)) !== null) return false;
    this.putGroup({ name, lastId, entriesRead, pelCount: 0, consumers: 0 });
    this.update({ groups: this.state.groups + 1 });
    return true;
  }

  private async adjustGroup(name: Buffer, pel: number, consumers: number): Promise<void> {
    const g = await this.group(name);
    assert(g !== null, 'a consumer group changed after it was deleted');
    this.putGroup({ ...g, pelCount: g.pelCount + pel, consumers: g.consumers + consumers });
  }

  private async adjustConsumer(group: Buffer, name: Buffer, pel: number): Promise<void> {
    const c = await this.consumer(group, name);
    assert(c !== null, 'a NACK belongs to a consumer that does not exist');
    this.putConsumer(group, { ...c, pelCount: c.pelCount + pel });
  }

  /** The consumer, created (streamCreateConsumer) when absent; `seenTimeMs` refreshes it when given. */
  async ensureConsumer(group: Buffer, name: Buffer, seenTimeMs: number | null): Promise<{ consumer: Consumer; created: boolean }> {
    const c = await this.consumer(group, name);
    if (c !== null) {
      const consumer = seenTimeMs === null ? c : { ...c, seenTimeMs };
      if (seenTimeMs !== null) this.putConsumer(group, consumer);
      return { consumer, created: false };
    }
    assert(seenTimeMs !== null, 'a new consumer needs its seen time');
    const consumer: Consumer = { name, seenTimeMs, pelCount: 0 };
    this.putConsumer(group, consumer);
    await this.adjustGroup(group, 0, 1);
    return { consumer, created: true };
  }

  /** Removes a group with its PEL and consumers: range deletes, O(1). */
  deleteGroup(name: Buffer): void {
    this.del(this.rec(TAG.group, name));
    for (const tag of [TAG.nack, TAG.consumer, TAG.consumerPel]) {
      const head = this.rec(tag, named(name));
      this.mks.overlay.delRange(head, nextPrefix(head));
    }
    this.update({ groups: this.state.groups - 1 });
  }

  putConsumer(group: Buffer, c: Consumer): void {
    this.put(this.rec(TAG.consumer, named(group), c.name), encodeConsumer(c));
  }

  /** Removes a consumer and its pending entries from the group (streamDelConsumer). */
  async deleteConsumer(group: Buffer, name: Buffer): Promise<number> {
    const ids: StreamId[] = [];
    for await (const id of this.consumerPel(group, name, { start: MIN_ID, end: MAX_ID })) ids.push(id);
    for (const id of ids) {
      this.del(this.rec(TAG.nack, named(group), encodeId(id)));
      this.del(this.rec(TAG.consumerPel, named(group), named(name), encodeId(id)));
    }
    this.del(this.rec(TAG.consumer, named(group), name));
    await this.adjustGroup(group, -ids.length, -1);
    return ids.length;
  }

  /**
   * Writes a NACK (its consumer must exist). `previous` is the NACK it replaces, if any: the
   * entry moves from that consumer's PEL to the new one's when they differ.
   */
  async putNack(group: Buffer, n: Nack, previous: Nack | null): Promise<void> {
    this.put(this.rec(TAG.nack, named(group), encodeId(n.id)), encodeNack(n));
    if (previous === null) await this.adjustGroup(group, 1, 0);
    if (previous !== null && previous.consumer.equals(n.consumer)) return;
    if (previous !== null) {
      this.del(this.rec(TAG.consumerPel, named(group), named(previous.consumer), encodeId(n.id)));
      await this.adjustConsumer(group, previous.consumer, -1);
    }
    this.put(this.rec(TAG.consumerPel, named(group), named(n.consumer), encodeId(n.id)), Buffer.alloc(0));
    await this.adjustConsumer(group, n.consumer, 1);
  }

  async deleteNack(group: Buffer, n: Nack): Promise<void> {
    this.del(this.rec(TAG.nack, named(group), encodeId(n.id)));
    this.del(this.rec(TAG.consumerPel, named(group), named(n.consumer), encodeId(n.id)));
    await this.adjustGroup(group, -1, 0);
    await this.adjustConsumer(group, n.consumer, -1);
  }

  async commit(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    this.current = { ...this.current, count: this.state.length, extra: encodeState(this.state) };
    await this.mks.writeMeta(this.db, this.key, this.current);
  }
}

/** The key after every key starting with `prefix` (prefix + 1 at its last byte that is not 0xff). */
function nextPrefix(prefix: Buffer): Buffer {
  const out = Buffer.from(prefix);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i]! !== 0xff) {
      out[i] = out[i]! + 1;
      return out.subarray(0, i + 1);
    }
  }
  throw new Error('invariant violated: a data prefix is never all 0xff');
}

/** The live stream at `key`: null when absent, WRONGTYPE when another type is there. */
export async function openStream(ks: Keyspace, db: number, key: Buffer): Promise<StreamView | null | Wrongtype> {
  const meta = await ks.meta(db, key);
  if (meta === null) return null;
  if (meta.type !== KeyType.Stream) return WRONGTYPE;
  return new StreamView(ks, db, key, meta);
}

/** A writer for the stream at `key`; with `create`, a new empty stream when absent (written at commit). */
export async function openStreamForWrite(ks: MutableKeyspace, db: number, key: Buffer, create: boolean): Promise<StreamWriter | null | Wrongtype> {
  const meta = await ks.meta(db, key);
  if (meta !== null) return meta.type === KeyType.Stream ? new StreamWriter(ks, db, key, meta, false) : WRONGTYPE;
  if (!create) return null;
  const empty: StreamState = { length: 0, lastId: MIN_ID, firstId: MIN_ID, maxDeletedId: MIN_ID, entriesAdded: 0n, groups: 0, tailNode: null, nodes: 0 };
  const fresh: Meta = { type: KeyType.Stream, expireAtMs: 0, value: Buffer.alloc(0), version: ks.newVersion(), count: 0, extra: encodeState(empty) };
  // A created stream exists even when empty (XGROUP CREATE MKSTREAM), so it is dirty from the start.
  return new StreamWriter(ks, db, key, fresh, true);
}

