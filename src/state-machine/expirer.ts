// The active expirer: finds keys whose time has passed through the expire index and proposes
// their deletion through the log (DEL-IF-EXPIRED), so every replica deletes the same keys.
// Reads never need it: an expired key is invisible at once.
import { decodeExpireIndexKey, expireIndexUpTo } from './encoding.js';
import type { ProposalOp } from './proposal.js';
import type { Store } from './store.js';

export async function findExpired(store: Store, nowMs: number, maxKeys: number): Promise<ProposalOp[]> {
  const ops: ProposalOp[] = [];
  for await (const { key } of store.iterate({ ...expireIndexUpTo(nowMs), limit: maxKeys, keysOnly: true })) {
    const { expireAtMs, keyspaceId, key: userKey } = decodeExpireIndexKey(key);
    ops.push({ kind: 'expire', keyspaceId, key: Buffer.from(userKey), expireAtMs });
  }
  return ops;
}
