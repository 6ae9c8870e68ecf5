// Entries of the persisted GC queue: data that no live meta record points at any more.
import { assert } from '../util/assert.js';

export type GcTask =
  /** Every data record of one version of one collection. */
  | { readonly kind: 'version'; readonly keyspaceId: number; readonly key: Buffer; readonly version: bigint }
  /** A whole physical keyspace dropped by FLUSHDB/FLUSHALL. */
  | { readonly kind: 'keyspace'; readonly keyspaceId: number };

export function encodeGcTask(task: GcTask): Buffer {
  if (task.kind === 'keyspace') {
    const out = Buffer.allocUnsafe(5);
    out[0] = 2;
    out.writeUInt32BE(task.keyspaceId, 1);
    return out;
  }
  const out = Buffer.allocUnsafe(13 + task.key.length);
  out[0] = 1;
  out.writeUInt32BE(task.keyspaceId, 1);
  out.writeBigUInt64BE(task.version, 5);
  task.key.copy(out, 13);
  return out;
}

export function decodeGcTask(raw: Buffer): GcTask {
  if (raw[0] === 2) return { kind: 'keyspace', keyspaceId: raw.readUInt32BE(1) };
  assert(raw[0] === 1 && raw.length >= 13, 'unknown GC task record');
  return { kind: 'version', keyspaceId: raw.readUInt32BE(1), version: raw.readBigUInt64BE(5), key: raw.subarray(13) };
}
