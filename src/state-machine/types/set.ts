// Sets on the collection encoding (blackwidow's set layout): meta (type Set, version, member
// count, one encoding byte) and one data record per member, `dataPrefix | member -> ''`.
// SCARD reads the count from meta; DEL or overwrite drops the whole version in O(1)
// (collection.ts), and the *STORE commands write their result under a fresh version.
import { assert } from '../../util/assert.js';
import type { Rng } from '../../util/rng.js';
import { dataPrefix, KeyType, type Meta } from '../encoding.js';
import type { Keyspace, MutableKeyspace } from '../keyspace.js';
import { CollectionView, CollectionWriter, openCollection, openCollectionForWrite, type Wrongtype } from './collection.js';

/** Redis 7.0's set-max-intset-entries default: an all-integer set larger than this is a hashtable. */
export const SET_INTSET_ENTRIES_MAX = 512;

/**
 * meta.extra of a set: one byte, the encoding redis-server 7.0 would have chosen (7.0 has only
 * intset and hashtable; listpack sets came in 7.2). Redis converts an intset to a hashtable when a
 * non-integer member is added or it grows past 512 members, and never converts back, so the
 * choice depends on history: it is remembered here. COPY and RENAME copy the meta record, and
 * with it the encoding, as Redis's setTypeDup and rename do.
 */
const INTSET = Buffer.from([0]);
const HASHTABLE = Buffer.from([1]);
const EMPTY = Buffer.alloc(0);

export type SetEncoding = 'intset' | 'hashtable';

/** The encoding redis-server 7.0 would report for this set (OBJECT ENCODING, SSCAN's paging, member order). */
export function setEncoding(meta: Meta): SetEncoding {
  return meta.extra.length > 0 && meta.extra[0] === HASHTABLE[0] ? 'hashtable' : 'intset';
}

const INT64_TEXT = /^-?(0|[1-9][0-9]*)$/;
const INT64_MAX = 9223372036854775807n;

/**
 * Whether an intset can hold `member`: Redis's isSdsRepresentableAsLongLong (string2ll), i.e. the
 * canonical decimal form of an int64 — no sign but '-', no leading zeros, no "-0", no spaces.
 * (Kept here rather than imported from commands/args.ts so storage does not depend on commands.)
 */
export function isIntsetMember(member: Buffer): boolean {
  if (member.length === 0 || member.length > 20) return false;
  const s = member.toString('latin1');
  if (!INT64_TEXT.test(s) || s === '-0') return false;
  const v = BigInt(s);
  return v <= INT64_MAX && v >= -INT64_MAX - 1n;
}

/** The encoding Redis gives a set it builds from scratch by adding `members` (createIntsetObject + setTypeAdd). */
export function encodingOfNewSet(members: readonly Buffer[]): SetEncoding {
  if (members.length > SET_INTSET_ENTRIES_MAX) return 'hashtable';
  return members.every(isIntsetMember) ? 'intset' : 'hashtable';
}

/**
 * Members in the order redis-server lists them where that order is defined by the encoding: an
 * intset is sorted by value. A hashtable's order is its hash layout, which pikiraft does not
 * reproduce; it keeps byte order (the order members are stored in). Sorts in place.
 */
export function inRedisOrder(members: Buffer[], encoding: SetEncoding): Buffer[] {
  if (encoding === 'intset') {
    const keyed = members.map((m) => ({ m, v: BigInt(m.toString('latin1')) }));
    keyed.sort((a, b) => (a.v < b.v ? -1 : a.v > b.v ? 1 : 0));
    keyed.forEach((k, i) => (members[i] = k.m));
  }
  return members;
}

export function openSet(ks: Keyspace, db: number, key: Buffer): Promise<CollectionView | null | Wrongtype> {
  return openCollection(ks, db, key, KeyType.Set);
}

/** A writer for the set at `key`; with `create`, for a new empty set when the key is absent. */
export function openSetForWrite(ks: MutableKeyspace, db: number, key: Buffer, create: true): Promise<CollectionWriter | Wrongtype>;
export function openSetForWrite(ks: MutableKeyspace, db: number, key: Buffer, create: false): Promise<CollectionWriter | null | Wrongtype>;
export function openSetForWrite(ks: MutableKeyspace, db: number, key: Buffer, create: boolean): Promise<CollectionWriter | null | Wrongtype> {
  return openCollectionForWrite(ks, db, key, KeyType.Set, create);
}

/** Adds members as SADD does (repeats count once); returns how many are new. */
export async function addMembers(w: CollectionWriter, members: readonly Buffer[]): Promise<number> {
  assert(members.length > 0, 'adding no members to a set');
  // setTypeCreate: a new set starts as an intset when its first member is an integer.
  if (w.meta.extra.length === 0) w.setExtra(isIntsetMember(members[0]!) ? INTSET : HASHTABLE);
  const added = await w.setMany(members.map((m) => [m, EMPTY] as const));
  // setTypeAdd converts an intset on the first non-integer member; it never converts back.
  if (setEncoding(w.meta) === 'intset' && !members.every(isIntsetMember)) w.setExtra(HASHTABLE);
  return added;
}

/** Writes the set's meta (or deletes the emptied key), converting to a hashtable past 512 members. */
export async function commitSet(w: CollectionWriter): Promise<void> {
  if (w.count > SET_INTSET_ENTRIES_MAX) w.setExtra(HASHTABLE);
  await w.commit();
}

/** Sets the encoding outright: SPOP rebuilding what stays of a set (t_set.c CASE 3) chooses it afresh. */
export function setSetEncoding(w: CollectionWriter, encoding: SetEncoding): void {
  w.setExtra(encoding === 'intset' ? INTSET : HASHTABLE);
}

/** Every member, in byte order. */
export async function readMembers(view: CollectionView): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const e of view.entries()) out.push(e.field);
  return out;
}

/**
 * Replaces whatever `key` holds (any type, live or expired) with a set of exactly `members`
 * under a fresh version, without an expiry — what SINTERSTORE/SUNIONSTORE/SDIFFSTORE leave
 * behind. An empty result deletes the key. Members must be distinct. No record of the new
 * version can exist yet, so members are written without being read first; the old version is
 * queued for GC by writeMeta.
 */
export async function replaceSet(ks: MutableKeyspace, db: number, key: Buffer, members: readonly Buffer[], encoding: SetEncoding): Promise<void> {
  if (members.length === 0) {
    await ks.deleteKey(db, key);
    return;
  }
  const version = ks.newVersion();
  const prefix = dataPrefix(ks.physical(db), key, version);
  for (const m of members) ks.overlay.put(Buffer.concat([prefix, m]), EMPTY);
  const extra = Buffer.from(encoding === 'intset' ? INTSET : HASHTABLE);
  await ks.writeMeta(db, key, { type: KeyType.Set, expireAtMs: 0, value: EMPTY, version, count: members.length, extra });
}

// ---- set algebra -----------------------------------------------------------------------------

/** Candidates checked per round of membership reads: one batched multi-get per other set. */
const MEMBERSHIP_CHUNK = 256;

const latin1 = (b: Buffer): string => b.toString('latin1');

/**
 * Keeps the candidates that are (`present`) or are not (`!present`) members of every set given,
 * one batched read per set, stopping early once nothing is left.
 */
async function filterByMembership(candidates: Buffer[], sets: readonly CollectionView[], present: boolean): Promise<Buffer[]> {
  let left = candidates;
  for (const s of sets) {
    if (left.length === 0) break;
    const found = await s.getMany(left);
    left = left.filter((_, i) => (found[i] !== null) === present);
  }
  return left;
}

/**
 * SINTER over existing sets: walks the smallest set and keeps members every other set has,
 * stopping after `limit` members (0 = no limit, SINTERCARD's LIMIT). Byte order.
 */
export async function intersect(sets: readonly CollectionView[], limit: number): Promise<Buffer[]> {
  assert(sets.length > 0, 'intersection of no sets');
  const bySize = [...sets].sort((a, b) => a.count - b.count);
  const [smallest, ...others] = bySize as [CollectionView, ...CollectionView[]];
  const out: Buffer[] = [];
  let chunk: Buffer[] = [];
  const flush = async (): Promise<boolean> => {
    for (const m of await filterByMembership(chunk, others, true)) {
      out.push(m);
      if (limit > 0 && out.length >= limit) return true;
    }
    chunk = [];
    return false;
  };
  for await (const e of smallest.entries()) {
    chunk.push(e.field);
    if (chunk.length === MEMBERSHIP_CHUNK && (await flush())) return out;
  }
  if (chunk.length > 0) await flush();
  return out;
}

/** SUNION: every member of any set (missing keys are left out by the caller), byte order. */
export async function union(sets: readonly CollectionView[]): Promise<Buffer[]> {
  const seen = new Map<string, Buffer>();
  for (const s of sets) {
    for await (const e of s.entries()) {
      const k = latin1(e.field);
      if (!seen.has(k)) seen.set(k, e.field);
    }
  }
  return [...seen.values()].sort(Buffer.compare);
}

/** The result of SDIFF and what Redis's choice of algorithm does to the encoding of a stored result. */
export interface DiffResult {
  readonly members: Buffer[];
  /** The encoding SDIFFSTORE's destination gets (see diff). */
  readonly encoding: SetEncoding;
}

/**
 * SDIFF: members of `first` that no set in `rest` has (null = missing key = empty set), byte order.
 * The members are checked against the other sets with batched point reads. The encoding mirrors
 * sunionDiffGenericCommand: when it picks its "algorithm 2" (the first set is large compared to
 * the rest) it first copies the whole first set into the result, so a first set with a
 * non-integer or more than 512 members leaves a hashtable even if the difference is small.
 */
export async function diff(first: CollectionView, rest: readonly (CollectionView | null)[]): Promise<DiffResult> {
  const others = rest.filter((s): s is CollectionView => s !== null);
  const members: Buffer[] = [];
  let firstAllIntegers = true;
  let chunk: Buffer[] = [];
  const flush = async (): Promise<void> => {
    members.push(...(await filterByMembership(chunk, others, false)));
    chunk = [];
  };
  for await (const e of first.entries()) {
    if (firstAllIntegers && !isIntsetMember(e.field)) firstAllIntegers = false;
    chunk.push(e.field);
    if (chunk.length === MEMBERSHIP_CHUNK) await flush();
  }
  if (chunk.length > 0) await flush();
  // t_set.c: algo_one_work = |first| per existing set, halved; algo_two_work = the sum of sizes.
  const setsPresent = 1 + others.length;
  const algoOneWork = Math.floor((first.count * setsPresent) / 2);
  const algoTwoWork = first.count + others.reduce((n, s) => n + s.count, 0);
  const copiesFirst = algoOneWork > algoTwoWork;
  let encoding = encodingOfNewSet(members);
  if (copiesFirst && (!firstAllIntegers || first.count > SET_INTSET_ENTRIES_MAX)) encoding = 'hashtable';
  return { members, encoding };
}

// ---- random members --------------------------------------------------------------------------

/**
 * Sets up to this many members are read whole to pick random members, which is exactly uniform.
 * Larger ones are sampled with random seeks (O(log N) each, as RANDOMKEY), which is far from
 * uniform when members use a narrow alphabet (decimal, hex, "user:123"): a seek's random bytes
 * mostly fall between groups of members, so the first members of groups are picked much more
 * often (measured on 3000 such members and 30000 picks: about a third of the members picked at
 * all, even with the walk below). Exact sampling of a large set needs either a full read (what
 * Pika and Kvrocks do for SPOP/SRANDMEMBER) or per-range counts the encoding does not keep.
 */
const RANDOM_READ_ALL_MEMBERS_MAX = 1000;
/** Random seeks tried per requested distinct member before falling back to reading the set. */
const RANDOM_DISTINCT_PROBES_PER_MEMBER = 4;
/**
 * What one random pick (seek plus walk) costs, in members read in order (measured: about 0.5 ms
 * against 10 µs per member). Above this many members per requested pick, reading the whole set
 * and sampling in memory is cheaper, and exact; the bound also caps the seeking cost of a pick
 * at a small multiple of reading the set.
 */
const RANDOM_PICK_COST_MEMBERS = 50;
/**
 * A random seek lands far more often on a member that follows a wide gap in the member space
 * (with decimal or prefixed members, on the first member of each prefix group). Walking on a
 * random number of members below this after the seek spreads that excess over the members that
 * follow, at the cost of one short iteration.
 */
const RANDOM_WALK_MEMBERS_MAX = 32;

/** One member of a non-empty set, by a random seek and a random walk (wrapping around to the first member). */
async function randomMember(view: CollectionView, rng: Rng): Promise<Buffer> {
  const start = await view.randomEntry(rng);
  assert(start !== null, 'a non-empty set yielded no random member');
  let steps = rng.int(Math.min(RANDOM_WALK_MEMBERS_MAX, view.count));
  let member = start.field;
  let after: Buffer | null = start.field;
  while (steps > 0) {
    let walked = 0;
    for await (const e of view.entries({ after, limit: steps })) {
      member = e.field;
      walked++;
    }
    steps -= walked;
    // The walk ran off the end of the set: go on from its first member.
    after = null;
  }
  return member;
}

/** `n` members drawn independently (repeats allowed) from a non-empty set. */
export async function randomMembersWithRepeats(view: CollectionView, n: number, rng: Rng): Promise<Buffer[]> {
  assert(view.count > 0, 'random members of an empty set');
  const out: Buffer[] = [];
  if (view.count <= RANDOM_READ_ALL_MEMBERS_MAX || view.count <= n * RANDOM_PICK_COST_MEMBERS) {
    const all = await readMembers(view);
    for (let i = 0; i < n; i++) out.push(all[rng.int(all.length)]!);
    return out;
  }
  for (let i = 0; i < n; i++) out.push(await randomMember(view, rng));
  return out;
}

/** A uniform random `n`-subset of `all` in random order (partial Fisher-Yates; reorders `all`). */
export function sampleDistinct(all: Buffer[], n: number, rng: Rng): Buffer[] {
  assert(n <= all.length, 'sampling more members than there are');
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(all.length - i);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, n);
}

/** `n` distinct members (n < size) in random order. */
export async function randomDistinctMembers(view: CollectionView, n: number, rng: Rng): Promise<Buffer[]> {
  assert(n < view.count, 'asking for every member at random');
  // Seeking pays off only for a few members of a large set: up to 4 picks per member (repeats
  // are retried) must cost less than reading the set. (Redis too copies the whole set when more
  // than a third of it is asked for, SRANDMEMBER CASE 3.)
  if (view.count > RANDOM_READ_ALL_MEMBERS_MAX && n * RANDOM_DISTINCT_PROBES_PER_MEMBER * RANDOM_PICK_COST_MEMBERS <= 2 * view.count) {
    const seen = new Set<string>();
    const out: Buffer[] = [];
    for (let probes = RANDOM_DISTINCT_PROBES_PER_MEMBER * n; probes > 0 && out.length < n; probes--) {
      const m = await randomMember(view, rng);
      const k = latin1(m);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(m);
    }
    if (out.length === n) return out;
    // The seeks kept landing on the same members (a very uneven member space): sample exactly.
  }
  return sampleDistinct(await readMembers(view), n, rng);
}
