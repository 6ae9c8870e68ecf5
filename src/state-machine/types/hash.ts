// Hashes on the collection encoding (Pika's hash layout): meta (type Hash, version, field count,
// one encoding byte) and one data record per field, `dataPrefix | field -> value`. HLEN reads
// the count from meta; DEL or overwrite drops the whole version in O(1) (collection.ts).
import { KeyType, type Meta } from '../encoding.js';
import type { Keyspace, MutableKeyspace } from '../keyspace.js';
import { CollectionView, CollectionWriter, openCollection, openCollectionForWrite, type Wrongtype } from './collection.js';

/** Redis 7.0 defaults: hash-max-listpack-entries and hash-max-listpack-value. */
export const HASH_LISTPACK_ENTRIES_MAX = 512;
export const HASH_LISTPACK_VALUE_BYTES_MAX = 64;

/**
 * meta.extra of a hash: one byte, the encoding redis-server would have chosen. Redis converts a
 * listpack to a hashtable once a field or value longer than 64 bytes is set or the hash grows
 * past 512 fields (redis-server 7.0.15 defaults), and never converts back (deleting fields does not shrink it), so the choice
 * depends on history, not on the current contents: it is remembered here. COPY and RENAME copy
 * the meta record, and with it the encoding, as Redis's dup and rename do.
 */
const LISTPACK = Buffer.from([0]);
const HASHTABLE = Buffer.from([1]);

export type HashEncoding = 'listpack' | 'hashtable';

/** The encoding redis-server 7.0 would report for this hash (OBJECT ENCODING, HSCAN's paging). */
export function hashEncoding(meta: Meta): HashEncoding {
  return meta.extra.length > 0 && meta.extra[0] === HASHTABLE[0] ? 'hashtable' : 'listpack';
}

export function openHash(ks: Keyspace, db: number, key: Buffer): Promise<CollectionView | null | Wrongtype> {
  return openCollection(ks, db, key, KeyType.Hash);
}

/** A writer for the hash at `key`; with `create`, for a new empty hash when the key is absent. */
export function openHashForWrite(ks: MutableKeyspace, db: number, key: Buffer, create: true): Promise<CollectionWriter | Wrongtype>;
export function openHashForWrite(ks: MutableKeyspace, db: number, key: Buffer, create: false): Promise<CollectionWriter | null | Wrongtype>;
export async function openHashForWrite(ks: MutableKeyspace, db: number, key: Buffer, create: boolean): Promise<CollectionWriter | null | Wrongtype> {
  const w = await openCollectionForWrite(ks, db, key, KeyType.Hash, create);
  if (w instanceof CollectionWriter && w.meta.extra.length === 0) w.setExtra(LISTPACK);
  return w;
}

/** Sets fields as hashTypeSet does, converting to a hashtable on a long field or value; returns how many are new. */
export async function setHashFields(w: CollectionWriter, pairs: readonly (readonly [Buffer, Buffer])[]): Promise<number> {
  const created = await w.setMany(pairs);
  if (pairs.some(([f, v]) => f.length > HASH_LISTPACK_VALUE_BYTES_MAX || v.length > HASH_LISTPACK_VALUE_BYTES_MAX)) w.setExtra(HASHTABLE);
  return created;
}

/** Writes the hash's meta (or deletes the emptied key), converting to a hashtable past 128 fields. */
export async function commitHash(w: CollectionWriter): Promise<void> {
  if (w.count > HASH_LISTPACK_ENTRIES_MAX) w.setExtra(HASHTABLE);
  await w.commit();
}
