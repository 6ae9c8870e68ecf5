// SCAN cursors: Redis clients expect numeric cursors, our keys are ordered bytes. Each cursor id
// remembers the last key returned (bounded LRU), so a scan resumes exactly after it however the
// keyspace changed meanwhile. An unknown cursor (evicted, restarted server) restarts the scan,
// which SCAN's contract allows (elements may be returned more than once).
import type { ScanCursors } from '../commands/context.js';

const MAX_CURSORS = 100_000;

export class ScanCursorTable implements ScanCursors {
  private readonly cursors = new Map<bigint, Buffer>();
  private next = BigInt(Date.now()) * 1000n;

  resolve(cursor: bigint): Buffer | null {
    const key = this.cursors.get(cursor);
    if (key === undefined) return null;
    // Refresh recency: Map iteration order is insertion order.
    this.cursors.delete(cursor);
    this.cursors.set(cursor, key);
    return key;
  }

  register(lastKey: Buffer): bigint {
    const id = ++this.next;
    this.cursors.set(id, Buffer.from(lastKey));
    if (this.cursors.size > MAX_CURSORS) this.cursors.delete(this.cursors.keys().next().value!);
    return id;
  }
}
