// Strings on the encoding: a value lives inline in the meta record, so GET is one point read,
// unless bit or range writes made it long; then it is chunked (string-fragments.ts).
import { KeyType, stringMeta } from '../encoding.js';
import type { Keyspace, MutableKeyspace } from '../keyspace.js';
import { readStringValue } from './string-fragments.js';

export const WRONGTYPE = Symbol('wrongtype');
export type Wrongtype = typeof WRONGTYPE;

/** The live string value, null when absent, WRONGTYPE when the key holds another type. */
export async function getString(ks: Keyspace, db: number, key: Buffer): Promise<Buffer | null | Wrongtype> {
  const meta = await ks.meta(db, key);
  if (meta === null) return null;
  return meta.type === KeyType.String ? readStringValue(ks, db, key, meta) : WRONGTYPE;
}

/** Stores `value` replacing whatever `key` held (any type); expireAtMs 0 = no expiry. */
export function setString(ks: MutableKeyspace, db: number, key: Buffer, value: Buffer, expireAtMs: number): Promise<void> {
  return ks.writeMeta(db, key, stringMeta(Buffer.from(value), expireAtMs));
}

/** The live expiry of `key` (0 = none), or null when the key does not exist. */
export async function getExpireAt(ks: Keyspace, db: number, key: Buffer): Promise<number | null> {
  const meta = await ks.meta(db, key);
  return meta === null ? null : meta.expireAtMs;
}
