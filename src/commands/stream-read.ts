// XREAD (a read) and XREADGROUP (a write: it moves the group's last-delivered ID and fills the
// PEL), as Redis 7.0 t_stream.c xreadCommand, with BLOCK. A blocking XREAD is a read plan
// re-run on this node when a stream it waits on was written (`$` resolved when the client
// blocks); a blocking XREADGROUP is a write plan re-proposed as `XREADGROUP ... STREAMS key >`
// when the stream grew past the group's last-delivered ID (server/blocking.ts).
import { array, mapOfPairs, NULL_ARRAY, type Reply } from '../resp/reply.js';
import { KeyType } from '../state-machine/encoding.js';
import type { Keyspace } from '../state-machine/keyspace.js';
import { compareIds, incrId, MAX_ID, type StreamId } from '../state-machine/types/stream-id.js';
import { ENTRIES_READ_INVALID, openStream, openStreamForWrite, WRONGTYPE, type StreamView, type StreamWriter } from '../state-machine/types/stream.js';
import { eqIgnoreCase, parseInt64 } from './args.js';
import type { ReadContext, WriteContext } from './context.js';
import { E, XE } from './errors.js';
import { deletedEntryReply, entryReply, strictId, streamMeta } from './stream-args.js';
import { fail, readCommand, writeCommand, type BlockingPlan, type Command, type ParseResult, type WakeAction } from './table.js';

interface ReadArgs {
  readonly group: Buffer | null;
  readonly consumer: Buffer | null;
  /** 0 = no limit. */
  readonly count: number;
  readonly noack: boolean;
  /** null: no BLOCK. */
  readonly timeoutMs: number | null;
  readonly keys: readonly Buffer[];
  readonly ids: readonly Buffer[];
}

/** XREAD_BLOCKED_DEFAULT_COUNT: a blocked client without COUNT is served at most this many entries. */
const BLOCKED_DEFAULT_COUNT = 1000;
/** Largest COUNT honoured; a larger one reads at most this many entries per stream. */
const COUNT_MAX = 1_000_000_000n;

/** xreadCommand's option parsing (the IDs are resolved against the streams when it runs). */
function parseRead(group: boolean) {
  const name = group ? 'XREADGROUP' : 'XREAD';
  return (argv: readonly Buffer[]): ParseResult<ReadArgs> => {
    let timeoutMs: number | null = null;
    let count = 0;
    let streamsAt = 0;
    let groupName: Buffer | null = null;
    let consumer: Buffer | null = null;
    let noack = false;
    for (let i = 1; i < argv.length; i++) {
      const more = argv.length - i - 1;
      const o = argv[i]!;
      if (eqIgnoreCase(o, 'block') && more > 0) {
        const v = parseInt64(argv[++i]!);
        if (v === null) return fail(XE.blockTimeoutNotInteger);
        if (v < 0n) return fail(E.timeoutNegative);
        timeoutMs = Number(v);
      } else if (eqIgnoreCase(o, 'count') && more > 0) {
        const v = parseInt64(argv[++i]!);
        if (v === null) return fail(E.notInteger);
        count = v < 0n ? 0 : Number(v > COUNT_MAX ? COUNT_MAX : v);
      } else if (eqIgnoreCase(o, 'streams') && more > 0) {
        streamsAt = i + 1;
        if ((argv.length - streamsAt) % 2 !== 0) return fail(XE.unbalancedStreams(name));
        break;
      } else if (eqIgnoreCase(o, 'group') && more >= 2) {
        if (!group) return fail(XE.groupOnlyXreadgroup);
        groupName = argv[i + 1]!;
        consumer = argv[i + 2]!;
        i += 2;
      } else if (eqIgnoreCase(o, 'noack')) {
        if (!group) return fail(XE.noackOnlyXreadgroup);
        noack = true;
      } else {
        return fail(E.syntax);
      }
    }
    if (streamsAt === 0) return fail(E.syntax);
    if (group && groupName === null) return fail(XE.missingGroup);
    const n = (argv.length - streamsAt) / 2;
    return { group: groupName, consumer, count, noack, timeoutMs, keys: argv.slice(streamsAt, streamsAt + n), ids: argv.slice(streamsAt + n) };
  };
}

const isText = (b: Buffer, c: string): boolean => b.length === 1 && b[0] === c.charCodeAt(0);

/** Entries after `gt` (at most `count`, 0 = all). */
async function entriesAfter(s: StreamView, gt: StreamId, count: number): Promise<Reply[]> {
  const start = incrId(gt);
  const out: Reply[] = [];
  if (start === null) return out;
  for await (const e of s.entries({ start, end: MAX_ID, limit: count === 0 ? undefined : count })) out.push(entryReply(e));
  return out;
}

// ---- XREAD ------------------------------------------------------------------------------------

/** The IDs XREAD reads after, `$` resolved to each stream's last ID now; or an error. */
async function resolveXreadIds(ctx: ReadContext, a: ReadArgs): Promise<StreamId[] | Reply> {
  const ids: StreamId[] = [];
  for (let i = 0; i < a.keys.length; i++) {
    const s = await openStream(ctx.ks, ctx.db, a.keys[i]!);
    if (s === WRONGTYPE) return E.wrongType;
    const arg = a.ids[i]!;
    if (isText(arg, '$')) ids.push(s === null ? { ms: 0n, seq: 0n } : s.info.lastId);
    else if (isText(arg, '>')) return XE.gtOnlyXreadgroup;
    else {
      const id = strictId(arg);
      if (id === null) return XE.invalidId;
      ids.push(id);
    }
  }
  return ids;
}

/** Serves every stream holding an entry after its ID; null when none does. */
async function serveXread(ctx: ReadContext, a: ReadArgs, ids: readonly StreamId[]): Promise<Reply | null> {
  const served: [Reply, Reply][] = [];
  for (let i = 0; i < a.keys.length; i++) {
    const s = await openStream(ctx.ks, ctx.db, a.keys[i]!);
    if (s === null || s === WRONGTYPE || s.info.length === 0) continue;
    const last = await s.edgeId(true);
    if (last === null || compareIds(last, ids[i]!) <= 0) continue;
    served.push([{ t: 'bulk', b: a.keys[i]! }, array(await entriesAfter(s, ids[i]!, a.count))]);
  }
  return served.length === 0 ? null : mapOfPairs(served);
}

async function xreadRun(ctx: ReadContext, a: ReadArgs): Promise<Reply> {
  const ids = await resolveXreadIds(ctx, a);
  if (!Array.isArray(ids)) return ids;
  return (await serveXread(ctx, a, ids)) ?? NULL_ARRAY;
}

/** XREAD BLOCK: `$` resolved at the first attempt; a wake-up serves only the written key. */
function xreadPlan(a: ReadArgs, timeoutMs: number): BlockingPlan {
  let ids: StreamId[] | null = null;
  return {
    retry: 'read',
    consumes: false,
    keys: a.keys,
    timeoutMs,
    // Re-read only when the written stream's last ID passed the one waited after.
    onWake: async (view, db, key) => {
      const i = a.keys.findIndex((k) => k.equals(key));
      if (ids === null || i === -1) return 'retry';
      const s = await openStream(view, db, key);
      return s !== null && s !== WRONGTYPE && compareIds(s.info.lastId, ids[i]!) > 0 ? 'retry' : 'wait';
    },
    attempt: async (ctx, key) => {
      if (key === null) {
        const resolved = await resolveXreadIds(ctx, a);
        if (!Array.isArray(resolved)) return resolved;
        ids = resolved;
        return serveXread(ctx, a, ids);
      }
      const i = a.keys.findIndex((k) => k.equals(key));
      const s = await openStream(ctx.ks, ctx.db, key);
      // blocked.c serves a stream client when the stream's last ID passed the one it waits after.
      if (i === -1 || ids === null || s === null || s === WRONGTYPE || compareIds(s.info.lastId, ids[i]!) <= 0) return null;
      return mapOfPairs([[{ t: 'bulk', b: key }, array(await entriesAfter(s, ids[i]!, a.count || BLOCKED_DEFAULT_COUNT))]]);
    },
  };
}

const parseXread = parseRead(false);

const xread: Command = {
  ...readCommand(
    'xread',
    streamMeta(-4, ['readonly', 'blocking'], null, 'Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.', '5.0.0', 'For each stream mentioned: O(N) with N being the number of elements being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new data.'),
    parseXread,
    xreadRun,
  ),
  blockingPlan: (argv) => {
    const a = parseXread(argv);
    return 'error' in a || a.timeoutMs === null ? null : xreadPlan(a, a.timeoutMs);
  },
};

// ---- XREADGROUP -------------------------------------------------------------------------------

/** streamReplyWithRange for a group reading new entries: moves last-delivered and fills the PEL. */
async function deliverNew(ctx: WriteContext, w: StreamWriter, a: ReadArgs, group: Buffer, consumer: Buffer, after: StreamId): Promise<Reply[]> {
  const start = incrId(after);
  const out: Reply[] = [];
  if (start === null) return out;
  const entries = [];
  for await (const e of w.entries({ start, end: MAX_ID, limit: a.count === 0 ? undefined : a.count })) entries.push(e);
  for (const e of entries) {
    const g = (await w.group(group))!;
    if (compareIds(e.id, g.lastId) > 0) {
      let entriesRead = g.entriesRead;
      if (entriesRead !== ENTRIES_READ_INVALID && !w.rangeHasTombstones(e.id, null)) entriesRead++;
      else if (w.info.entriesAdded !== 0n) entriesRead = w.estimateDistance(e.id);
      w.putGroup({ ...g, lastId: e.id, entriesRead });
    }
    if (!a.noack) {
      const previous = await w.nack(group, e.id);
      await w.putNack(group, { id: e.id, consumer, deliveryTimeMs: ctx.nowMs, deliveryCount: 1n }, previous);
    }
    out.push(entryReply(e));
  }
  return out;
}

/** streamReplyWithRangeFromConsumerPEL: the consumer's pending entries after `after`, redelivered. */
async function deliverHistory(ctx: WriteContext, w: StreamWriter, a: ReadArgs, group: Buffer, consumer: Buffer, after: StreamId): Promise<Reply[]> {
  const start = incrId(after);
  const out: Reply[] = [];
  if (start === null) return out;
  const ids: StreamId[] = [];
  for await (const id of w.consumerPel(group, consumer, { start, end: MAX_ID, limit: a.count === 0 ? undefined : a.count })) ids.push(id);
  for (const id of ids) {
    const e = await w.entry(id);
    if (e === null) {
      out.push(deletedEntryReply(id));
      continue;
    }
    const n = (await w.nack(group, id))!;
    await w.putNack(group, { ...n, deliveryTimeMs: ctx.nowMs, deliveryCount: n.deliveryCount + 1n }, n);
    out.push(entryReply(e));
  }
  return out;
}

async function xreadgroupRun(ctx: WriteContext, a: ReadArgs): Promise<Reply> {
  const group = a.group!;
  const consumer = a.consumer!;
  const writers: StreamWriter[] = [];
  const ids: (StreamId | 'new')[] = [];
  for (let i = 0; i < a.keys.length; i++) {
    const key = a.keys[i]!;
    const w = await openStreamForWrite(ctx.ks, ctx.db, key, false);
    if (w === WRONGTYPE) return E.wrongType;
    if (w === null || (await w.group(group)) === null) return XE.noGroupRead(key, group);
    writers.push(w);
    const arg = a.ids[i]!;
    if (isText(arg, '$')) return XE.dollarInXreadgroup;
    if (isText(arg, '>')) ids.push('new');
    else {
      const id = strictId(arg);
      if (id === null) return XE.invalidId;
      ids.push(id);
    }
  }
  const served: [Reply, Reply][] = [];
  for (let i = 0; i < a.keys.length; i++) {
    // One writer per distinct key: a stream named twice is read through the same writer.
    const w = writers[a.keys.findIndex((k) => k.equals(a.keys[i]!))]!;
    const id = ids[i]!;
    const g = (await w.group(group))!;
    let entries: Reply[] | null = null;
    // The consumer is created (or its seen time refreshed) only when the stream serves it.
    if (id !== 'new') {
      await w.ensureConsumer(group, consumer, ctx.nowMs);
      entries = await deliverHistory(ctx, w, a, group, consumer, id);
    } else if (w.info.length > 0) {
      const last = await w.edgeId(true);
      if (last !== null && compareIds(last, g.lastId) > 0) {
        await w.ensureConsumer(group, consumer, ctx.nowMs);
        entries = await deliverNew(ctx, w, a, group, consumer, g.lastId);
      }
    }
    if (entries !== null) served.push([{ t: 'bulk', b: a.keys[i]! }, array(entries)]);
  }
  for (const w of writers) await w.commit();
  return served.length === 0 ? NULL_ARRAY : mapOfPairs(served);
}

/** Whether a blocked XREADGROUP can be served from `key` now, or must end with Redis's error. */
function xreadgroupWake(group: Buffer) {
  return async (view: Keyspace, db: number, key: Buffer): Promise<WakeAction> => {
    const meta = await view.meta(db, key);
    if (meta === null || meta.type !== KeyType.Stream) return { end: XE.blockedStreamDeleted };
    const s = await openStream(view, db, key);
    if (s === null || s === WRONGTYPE) return { end: XE.blockedStreamDeleted };
    const g = await s.group(group);
    if (g === null) return { end: XE.blockedGroupDestroyed };
    return compareIds(s.info.lastId, g.lastId) > 0 ? 'retry' : 'wait';
  };
}

const text = (s: string): Buffer => Buffer.from(s, 'latin1');

function xreadgroupPlan(argv: readonly Buffer[], a: ReadArgs, timeoutMs: number): BlockingPlan {
  const options = [text('COUNT'), text(String(a.count || BLOCKED_DEFAULT_COUNT)), ...(a.noack ? [text('NOACK')] : [])];
  return {
    retry: 'write',
    consumes: false,
    argv: [...argv],
    keys: a.keys,
    timeoutMs,
    onWake: xreadgroupWake(a.group!),
    retryArgv: (key) => [text('XREADGROUP'), text('GROUP'), a.group!, a.consumer!, ...options, text('STREAMS'), key, text('>')],
    reshape: (reply) => (reply.t === 'nullArray' ? null : reply),
  };
}

const parseXreadgroup = parseRead(true);

const xreadgroup: Command = {
  ...writeCommand(
    'xreadgroup',
    streamMeta(-7, ['write', 'blocking'], null, 'Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.', '5.0.0', 'For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.'),
    parseXreadgroup,
    xreadgroupRun,
  ),
  blockingPlan: (argv) => {
    const a = parseXreadgroup(argv);
    return 'error' in a || a.timeoutMs === null ? null : xreadgroupPlan(argv, a, a.timeoutMs);
  },
};

export const streamReadCommands: Command[] = [xread, xreadgroup];
