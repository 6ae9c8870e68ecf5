// Background garbage collection of data no meta record points at (old collection versions,
// flushed keyspaces). Local to each replica: it only removes invisible records, so it needs no
// consensus; the queue lives in RocksDB and survives restarts.
import { dataPrefix, GC_RANGE, keyspaceDataRange, metaRange, systemKey } from './encoding.js';
import { decodeGcTask } from './gc-task.js';
import type { Store, WriteOp } from './store.js';

/** Processes up to `maxTasks` queued tasks; returns how many were done. */
export async function collectGarbage(store: Store, maxTasks: number): Promise<number> {
  const ops: WriteOp[] = [];
  let done = 0;
  for await (const { key, value } of store.iterate({ ...GC_RANGE, limit: maxTasks })) {
    const task = decodeGcTask(value);
    if (task.kind === 'version') {
      const start = dataPrefix(task.keyspaceId, task.key, task.version);
      const end = dataPrefix(task.keyspaceId, task.key, task.version + 1n);
      ops.push({ op: 'delRange', start, end });
    } else {
      const data = keyspaceDataRange(task.keyspaceId);
      const meta = metaRange(task.keyspaceId);
      ops.push({ op: 'delRange', start: data.start, end: data.end });
      ops.push({ op: 'delRange', start: meta.gte, end: meta.lt });
      ops.push({ op: 'del', key: systemKey('counts', task.keyspaceId) });
    }
    ops.push({ op: 'del', key: Buffer.from(key) });
    done++;
  }
  await store.write(ops);
  return done;
}

export async function pendingGcTasks(store: Store): Promise<number> {
  let n = 0;
  for await (const _ of store.iterate({ ...GC_RANGE, keysOnly: true })) n++;
  return n;
}
