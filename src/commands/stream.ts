// Stream commands without consumer groups (Redis t_stream.c): XADD, XRANGE, XREVRANGE, XLEN,
// XDEL, XTRIM and XSETID. Storage in state-machine/types/stream.ts; XREAD/XREADGROUP live in
// stream-read.ts, groups in stream-group.ts, XINFO in stream-info.ts.
import { array, EMPTY_ARRAY, int, NULL, NULL_ARRAY, OK, ZERO, type Reply } from '../resp/reply.js';
import { compareIds, isZeroId, nextAutoId, U64_MAX, type StreamId } from '../state-machine/types/stream-id.js';
import { openStream, openStreamForWrite, WRONGTYPE, type TrimArgs } from '../state-machine/types/stream.js';
import { eqIgnoreCase } from './args.js';
import { E, XE } from './errors.js';
import { entryReply, idReply, int64Arg, isArgError, K1, parseAddOrTrim, rangeEnd, rangeStart, strictId, streamMeta, type AddOrTrimArgs } from './stream-args.js';
import { fail, readCommand, writeCommand, type Command, type ParseResult } from './table.js';

// ---- XADD -------------------------------------------------------------------------------------

interface XaddArgs extends AddOrTrimArgs {
  readonly key: Buffer;
  readonly fields: readonly Buffer[];
}

function parseXadd(argv: readonly Buffer[]): ParseResult<XaddArgs> {
  const a = parseAddOrTrim(argv, true);
  if ('error' in a) return a;
  const rest = argv.length - a.fieldsAt;
  if (rest < 2 || rest % 2 === 1) return fail(E.wrongArity('xadd'));
  if (a.id !== null && a.seqGiven && isZeroId(a.id)) return fail(XE.xaddIdZero);
  return { ...a, key: argv[1]!, fields: argv.slice(a.fieldsAt) };
}

/** streamAppendItem's choice of ID, or null when it is not above the stream's last ID. */
function newEntryId(last: StreamId, a: AddOrTrimArgs, nowMs: number): StreamId | null {
  let id: StreamId | null;
  if (a.id === null) id = nextAutoId(last, nowMs);
  else if (a.seqGiven) id = a.id;
  else if (last.ms === a.id.ms) id = last.seq === U64_MAX ? null : { ms: last.ms, seq: last.seq + 1n };
  else id = a.id;
  return id !== null && compareIds(id, last) > 0 ? id : null;
}

const xadd = writeCommand(
  'xadd',
  streamMeta(-5, ['write', 'denyoom', 'fast'], K1, 'Appends a new entry to a stream', '5.0.0', 'O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.'),
  parseXadd,
  async (ctx, a) => {
    const w = await openStreamForWrite(ctx.ks, ctx.db, a.key, !a.noMkstream);
    if (w === WRONGTYPE) return E.wrongType;
    if (w === null) return NULL;
    const last = w.info.lastId;
    let reply: Reply;
    if (last.ms === U64_MAX && last.seq === U64_MAX) {
      reply = XE.idsExhausted;
    } else {
      const id = newEntryId(last, a, ctx.nowMs);
      if (id === null) {
        reply = XE.xaddIdTooSmall;
      } else {
        await w.append(id, a.fields);
        if (a.trim !== null) await w.trim(a.trim);
        reply = idReply(id);
      }
    }
    // A stream XADD created stays even when the append failed, as Redis's dbAdd comes first.
    await w.commit();
    return reply;
  },
);

// ---- XRANGE, XREVRANGE, XLEN ------------------------------------------------------------------

interface RangeArgs {
  key: Buffer;
  start: StreamId;
  end: StreamId;
  /** -1: no COUNT given. */
  count: bigint;
}

function parseRange(rev: boolean) {
  return (argv: readonly Buffer[]): ParseResult<RangeArgs> => {
    const start = rangeStart(rev ? argv[3]! : argv[2]!);
    if (isArgError(start)) return start;
    const end = rangeEnd(rev ? argv[2]! : argv[3]!);
    if (isArgError(end)) return end;
    let count = -1n;
    for (let j = 4; j < argv.length; j++) {
      if (eqIgnoreCase(argv[j]!, 'count') && j + 1 < argv.length) {
        const v = int64Arg(argv[j + 1]!);
        if (isArgError(v)) return v;
        count = v < 0n ? 0n : v;
        j++;
      } else {
        return fail(E.syntax);
      }
    }
    return { key: argv[1]!, start, end, count };
  };
}

function rangeCommand(name: 'xrange' | 'xrevrange', summary: string, since: string): Command {
  const rev = name === 'xrevrange';
  return readCommand(
    name,
    streamMeta(-4, ['readonly'], K1, summary, since, 'O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).'),
    parseRange(rev),
    async (ctx, a) => {
      const s = await openStream(ctx.ks, ctx.db, a.key);
      if (s === WRONGTYPE) return E.wrongType;
      if (s === null) return EMPTY_ARRAY;
      if (a.count === 0n) return NULL_ARRAY;
      const limit = a.count === -1n ? undefined : Number(a.count > 1_000_000_000n ? 1_000_000_000n : a.count);
      const out: Reply[] = [];
      for await (const e of s.entries({ start: a.start, end: a.end, reverse: rev, limit })) out.push(entryReply(e));
      return array(out);
    },
  );
}

const xlen = readCommand(
  'xlen',
  streamMeta(2, ['readonly', 'fast'], K1, 'Return the number of entries in a stream', '5.0.0'),
  (argv) => ({ key: argv[1]! }),
  async (ctx, { key }) => {
    const s = await openStream(ctx.ks, ctx.db, key);
    if (s === WRONGTYPE) return E.wrongType;
    return s === null ? ZERO : int(s.info.length);
  },
);

// ---- XDEL, XTRIM, XSETID ----------------------------------------------------------------------

const xdel = writeCommand(
  'xdel',
  streamMeta(-3, ['write', 'fast'], K1, 'Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.', '5.0.0', 'O(1) for each single item to delete in the stream, regardless of the stream size.'),
  (argv) => ({ key: argv[1]!, ids: argv.slice(2) }),
  async (ctx, { key, ids }) => {
    const w = await openStreamForWrite(ctx.ks, ctx.db, key, false);
    if (w === WRONGTYPE) return E.wrongType;
    if (w === null) return ZERO;
    const parsed: StreamId[] = [];
    for (const arg of ids) {
      const id = strictId(arg);
      if (id === null) return XE.invalidId;
      parsed.push(id);
    }
    let deleted = 0;
    let firstDeleted = false;
    for (const id of parsed) {
      if (!(await w.deleteEntry(id))) continue;
      if (compareIds(id, w.info.firstId) === 0) firstDeleted = true;
      if (compareIds(id, w.info.maxDeletedId) > 0) w.update({ maxDeletedId: id });
      deleted++;
    }
    if (deleted > 0) {
      if (w.info.length === 0) w.update({ firstId: { ms: 0n, seq: 0n } });
      else if (firstDeleted) w.update({ firstId: (await w.edgeId(false))! });
    }
    await w.commit();
    return int(deleted);
  },
);

const xtrim = writeCommand(
  'xtrim',
  streamMeta(-4, ['write'], K1, 'Trims the stream to (approximately if \'~\' is passed) a certain size', '5.0.0', 'O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.'),
  (argv): ParseResult<{ key: Buffer; trim: TrimArgs }> => {
    const a = parseAddOrTrim(argv, false);
    if ('error' in a) return a;
    return { key: argv[1]!, trim: a.trim! };
  },
  async (ctx, { key, trim }) => {
    const w = await openStreamForWrite(ctx.ks, ctx.db, key, false);
    if (w === WRONGTYPE) return E.wrongType;
    if (w === null) return ZERO;
    const deleted = await w.trim(trim);
    await w.commit();
    return int(deleted);
  },
);

interface SetIdArgs {
  key: Buffer;
  id: StreamId;
  entriesAdded: bigint;
  maxDeletedId: StreamId;
}

function parseXsetid(argv: readonly Buffer[]): ParseResult<SetIdArgs> {
  const id = strictId(argv[2]!);
  if (id === null) return fail(XE.invalidId);
  let entriesAdded = -1n;
  let maxDeletedId: StreamId = { ms: 0n, seq: 0n };
  for (let i = 3; i < argv.length; i += 2) {
    const more = i + 1 < argv.length;
    if (eqIgnoreCase(argv[i]!, 'entriesadded') && more) {
      const v = int64Arg(argv[i + 1]!);
      if (isArgError(v)) return v;
      if (v < 0n) return fail(XE.entriesAddedNegative);
      entriesAdded = v;
    } else if (eqIgnoreCase(argv[i]!, 'maxdeletedid') && more) {
      const v = strictId(argv[i + 1]!);
      if (v === null) return fail(XE.invalidId);
      if (compareIds(id, v) < 0) return fail(XE.xsetidSmallerThanMaxDeleted);
      maxDeletedId = v;
    } else {
      return fail(E.syntax);
    }
  }
  return { key: argv[1]!, id, entriesAdded, maxDeletedId };
}

const xsetid = writeCommand(
  'xsetid',
  streamMeta(-3, ['write', 'denyoom', 'fast'], K1, 'An internal command for replicating stream values', '5.0.0'),
  parseXsetid,
  async (ctx, a) => {
    const w = await openStreamForWrite(ctx.ks, ctx.db, a.key, false);
    if (w === WRONGTYPE) return E.wrongType;
    if (w === null) return E.noSuchKey;
    const s = w.info;
    // redis-server 7.0.15 does not compare the ID with the stream's current max-deleted-entry-id.
    if (s.length > 0) {
      const top = (await w.edgeId(true))!;
      if (compareIds(a.id, top) < 0) return XE.xsetidSmallerThanTop;
      if (a.entriesAdded !== -1n && BigInt(s.length) > a.entriesAdded) return XE.xsetidEntriesAddedSmall;
    }
    w.update({
      lastId: a.id,
      ...(a.entriesAdded !== -1n ? { entriesAdded: a.entriesAdded } : {}),
      ...(!isZeroId(a.maxDeletedId) ? { maxDeletedId: a.maxDeletedId } : {}),
    });
    await w.commit();
    return OK;
  },
);

export const streamCommands: Command[] = [
  xadd,
  rangeCommand('xrange', 'Return a range of elements in a stream, with IDs matching the specified IDs interval', '5.0.0'),
  rangeCommand('xrevrange', 'Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE', '5.0.0'),
  xlen,
  xdel,
  xtrim,
  xsetid,
];
