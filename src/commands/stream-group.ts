// Consumer-group commands (Redis t_stream.c): XGROUP CREATE/SETID/DESTROY/CREATECONSUMER/
// DELCONSUMER/HELP, XACK, XPENDING, XCLAIM and XAUTOCLAIM. Delivery and seen times come from
// the log entry's time (ctx.nowMs) so replicas agree; XPENDING, a read, measures idle time
// against the local clock.
import { array, bulk, int, NULL, NULL_ARRAY, OK, ONE, ZERO, EMPTY_ARRAY, type Reply } from '../resp/reply.js';
import { compareIds, incrId, MAX_ID, MIN_ID, type StreamId } from '../state-machine/types/stream-id.js';
import { ENTRIES_READ_INVALID, openStream, openStreamForWrite, WRONGTYPE, type Nack, type StreamWriter } from '../state-machine/types/stream.js';
import { eqIgnoreCase, INT64_MAX, lower, parseInt64 } from './args.js';
import { helpReply } from './command.js';
import type { WriteContext } from './context.js';
import { E, XE } from './errors.js';
import { KeyType } from '../state-machine/encoding.js';
import { entryReply, idReply, int64Arg, isArgError, K1, rangeEnd, rangeStart, strictId, streamMeta } from './stream-args.js';
import { containerCommand, fail, localCommand, readCommand, writeCommand, type Command, type ParseResult } from './table.js';

const isDollar = (b: Buffer): boolean => b.length === 1 && b[0] === 0x24;

// ---- XGROUP -----------------------------------------------------------------------------------

interface XgroupArgs {
  sub: 'create' | 'setid' | 'destroy' | 'createconsumer' | 'delconsumer';
  subArg: Buffer;
  key: Buffer;
  group: Buffer;
  argv: readonly Buffer[];
  mkstream: boolean;
  entriesRead: bigint;
}

/** xgroupCommand's option parsing, before the key is looked up. */
function parseXgroup(argv: readonly Buffer[]): ParseResult<XgroupArgs> {
  const sub = lower(argv[1]!) as XgroupArgs['sub'];
  let mkstream = false;
  let entriesRead = ENTRIES_READ_INVALID;
  if (sub === 'create' || sub === 'setid') {
    for (let i = 5; i < argv.length; ) {
      if (sub === 'create' && eqIgnoreCase(argv[i]!, 'mkstream')) {
        mkstream = true;
        i++;
      } else if (eqIgnoreCase(argv[i]!, 'entriesread') && i + 1 < argv.length) {
        const v = int64Arg(argv[i + 1]!);
        if (isArgError(v)) return v;
        if (v < 0n && v !== ENTRIES_READ_INVALID) return fail(XE.entriesReadNegative);
        entriesRead = v;
        i += 2;
      } else {
        return fail(E.subcommandSyntax(argv[1]!, 'xgroup'));
      }
    }
  }
  return { sub, subArg: argv[1]!, key: argv[2]!, group: argv[3]!, argv, mkstream, entriesRead };
}

async function xgroup(ctx: WriteContext, a: XgroupArgs): Promise<Reply> {
  const meta = await ctx.ks.meta(ctx.db, a.key);
  if (meta !== null && meta.type !== KeyType.Stream) return E.wrongType;
  if (meta === null && !a.mkstream) return XE.xgroupNeedsKey;
  const w = await openStreamForWrite(ctx.ks, ctx.db, a.key, true);
  if (w === WRONGTYPE || w === null) throw new Error('invariant violated: the stream checked above is writable');
  const group = meta === null ? null : await w.group(a.group);
  if (!a.mkstream && group === null && (a.sub === 'setid' || a.sub === 'createconsumer' || a.sub === 'delconsumer')) {
    return XE.noGroupForKey(a.group, a.key);
  }
  const argc = a.argv.length;
  const syntax = E.subcommandSyntax(a.subArg, 'xgroup');
  switch (a.sub) {
    case 'create': {
      if (argc > 8) return syntax;
      const id = isDollar(a.argv[4]!) ? w.info.lastId : strictId(a.argv[4]!);
      if (id === null) return XE.invalidId;
      const created = await w.createGroup(a.group, id, a.entriesRead);
      await w.commit();
      return created ? OK : XE.busyGroup;
    }
    case 'setid': {
      if (argc !== 5 && argc !== 7) return syntax;
      const id = isDollar(a.argv[4]!) ? w.info.lastId : parseIdLoose(a.argv[4]!);
      if (id === null) return XE.invalidId;
      w.putGroup({ ...group!, lastId: id, entriesRead: a.entriesRead });
      await w.commit();
      return OK;
    }
    case 'destroy':
      if (group === null) return ZERO;
      w.deleteGroup(a.group);
      await w.commit();
      return ONE;
    case 'createconsumer': {
      if ((await w.consumer(a.group, a.argv[4]!)) !== null) return ZERO;
      await w.ensureConsumer(a.group, a.argv[4]!, ctx.nowMs);
      await w.commit();
      return ONE;
    }
    case 'delconsumer': {
      if ((await w.consumer(a.group, a.argv[4]!)) === null) return ZERO;
      const pending = await w.deleteConsumer(a.group, a.argv[4]!);
      await w.commit();
      return int(pending);
    }
  }
}

/** streamParseIDOrReply (not strict): XGROUP SETID accepts `-` and `+`. */
function parseIdLoose(arg: Buffer): StreamId | null {
  if (arg.length === 1 && arg[0] === 0x2d) return MIN_ID;
  if (arg.length === 1 && arg[0] === 0x2b) return MAX_ID;
  return strictId(arg);
}

const XGROUP_HELP = [
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
];

const K2 = { first: 2, last: 2, step: 1 };
const xgroupSub = (sub: string, arity: number, flags: readonly ('write' | 'denyoom')[], summary: string, since: string, complexity: string): Command =>
  writeCommand(`xgroup|${sub}`, streamMeta(arity, flags, K2, summary, since, complexity), parseXgroup, xgroup);

const xgroupCommand = containerCommand('xgroup', { arity: -2, flags: [], acl: ['@slow'], docs: { summary: 'A container for consumer groups commands', since: '5.0.0', group: 'stream', complexity: 'Depends on subcommand.' } }, [
  xgroupSub('create', -5, ['write', 'denyoom'], 'Create a consumer group.', '5.0.0', 'O(1)'),
  xgroupSub('setid', -5, ['write'], 'Set a consumer group to an arbitrary last delivered ID value.', '5.0.0', 'O(1)'),
  xgroupSub('destroy', 4, ['write'], 'Destroy a consumer group.', '5.0.0', 'O(N) where N is the number of entries in the group\'s pending entries list (PEL).'),
  xgroupSub('createconsumer', 5, ['write', 'denyoom'], 'Create a consumer in a consumer group.', '6.2.0', 'O(1)'),
  xgroupSub('delconsumer', 5, ['write'], 'Delete a consumer from a consumer group.', '5.0.0', 'O(1)'),
  localCommand('xgroup|help', { arity: 2, flags: ['loading', 'stale'], acl: ['@stream', '@slow'], docs: { summary: 'Show helpful text about the different subcommands', since: '5.0.0', group: 'stream', complexity: 'O(1)' } }, () =>
    helpReply('xgroup', XGROUP_HELP),
  ),
]);

// ---- XACK -------------------------------------------------------------------------------------

const xack = writeCommand(
  'xack',
  streamMeta(-4, ['write', 'fast'], K1, 'Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.', '5.0.0', 'O(1) for each message ID processed.'),
  (argv) => ({ key: argv[1]!, group: argv[2]!, ids: argv.slice(3) }),
  async (ctx, a) => {
    const w = await openStreamForWrite(ctx.ks, ctx.db, a.key, false);
    if (w === WRONGTYPE) return E.wrongType;
    if (w === null || (await w.group(a.group)) === null) return ZERO;
    const ids: StreamId[] = [];
    for (const arg of a.ids) {
      const id = strictId(arg);
      if (id === null) return XE.invalidId;
      ids.push(id);
    }
    let acked = 0;
    for (const id of ids) {
      const nack = await w.nack(a.group, id);
      if (nack === null) continue;
      await w.deleteNack(a.group, nack);
      acked++;
    }
    await w.commit();
    return int(acked);
  },
);

// ---- XPENDING ---------------------------------------------------------------------------------

interface PendingArgs {
  key: Buffer;
  group: Buffer;
  /** null: the summary form. */
  range: { start: StreamId; end: StreamId; count: bigint; minIdleMs: bigint; consumer: Buffer | null } | null;
}

function parseXpending(argv: readonly Buffer[]): ParseResult<PendingArgs> {
  const argc = argv.length;
  if (argc !== 3 && (argc < 6 || argc > 9)) return fail(E.syntax);
  const base = { key: argv[1]!, group: argv[2]! };
  if (argc === 3) return { ...base, range: null };
  let at = 3;
  let minIdleMs = 0n;
  if (eqIgnoreCase(argv[3]!, 'idle')) {
    const v = int64Arg(argv[4]!);
    if (isArgError(v)) return v;
    if (argc < 8) return fail(E.syntax);
    minIdleMs = v;
    at += 2;
  }
  const countArg = int64Arg(argv[at + 2]!);
  if (isArgError(countArg)) return countArg;
  const count = countArg < 0n ? 0n : countArg;
  const start = rangeStart(argv[at]!);
  if (isArgError(start)) return start;
  const end = rangeEnd(argv[at + 1]!);
  if (isArgError(end)) return end;
  const consumer = at + 3 < argc ? argv[at + 3]! : null;
  return { ...base, range: { start, end, count, minIdleMs, consumer } };
}

const xpending = readCommand(
  'xpending',
  streamMeta(-3, ['readonly'], K1, 'Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged.', '5.0.0', 'O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.'),
  parseXpending,
  async (ctx, a) => {
    const s = await openStream(ctx.ks, ctx.db, a.key);
    if (s === WRONGTYPE) return E.wrongType;
    const group = s === null ? null : await s.group(a.group);
    if (s === null || group === null) return XE.noKeyOrGroup(a.key, a.group);
    if (a.range === null) {
      if (group.pelCount === 0) return array([ZERO, NULL, NULL, NULL_ARRAY]);
      let first: StreamId | null = null;
      let last: StreamId | null = null;
      for await (const n of s.pel(a.group, { start: MIN_ID, end: MAX_ID, limit: 1 })) first = n.id;
      for await (const n of s.pel(a.group, { start: MIN_ID, end: MAX_ID, reverse: true, limit: 1 })) last = n.id;
      const consumers: Reply[] = [];
      for await (const c of s.consumers(a.group)) if (c.pelCount > 0) consumers.push(array([bulk(c.name), bulk(String(c.pelCount))]));
      return array([int(group.pelCount), idReply(first!), idReply(last!), array(consumers)]);
    }
    const r = a.range;
    const nowMs = Date.now();
    const out: Reply[] = [];
    let remaining = r.count;
    if (r.consumer !== null) {
      if ((await s.consumer(a.group, r.consumer)) === null) return EMPTY_ARRAY;
      for await (const id of s.consumerPel(a.group, r.consumer, { start: r.start, end: r.end })) {
        if (remaining === 0n) break;
        const n = (await s.nack(a.group, id))!;
        if (r.minIdleMs !== 0n && BigInt(nowMs - n.deliveryTimeMs) < r.minIdleMs) continue;
        out.push(pendingReply(n, nowMs));
        remaining--;
      }
      return array(out);
    }
    if (remaining === 0n) return EMPTY_ARRAY;
    for await (const n of s.pel(a.group, { start: r.start, end: r.end })) {
      if (r.minIdleMs !== 0n && BigInt(nowMs - n.deliveryTimeMs) < r.minIdleMs) continue;
      out.push(pendingReply(n, nowMs));
      if (--remaining === 0n) break;
    }
    return array(out);
  },
);

const pendingReply = (n: Nack, nowMs: number): Reply => array([idReply(n.id), bulk(n.consumer), int(Math.max(0, nowMs - n.deliveryTimeMs)), int(n.deliveryCount)]);

// ---- XCLAIM, XAUTOCLAIM -----------------------------------------------------------------------

/** Moves (or creates) a NACK to `consumer` as XCLAIM/XAUTOCLAIM do, creating the consumer on first use. */
async function claim(w: StreamWriter, group: Buffer, consumer: Buffer, n: Nack | null, id: StreamId, deliveryTimeMs: number, deliveryCount: bigint, nowMs: number): Promise<void> {
  await w.ensureConsumer(group, consumer, nowMs);
  await w.putNack(group, { id, consumer, deliveryTimeMs, deliveryCount }, n);
}

interface XclaimArgs {
  key: Buffer;
  group: Buffer;
  consumer: Buffer;
  argv: readonly Buffer[];
}

async function xclaimRun(ctx: WriteContext, a: XclaimArgs): Promise<Reply> {
  const w = await openStreamForWrite(ctx.ks, ctx.db, a.key, false);
  if (w === WRONGTYPE) return E.wrongType;
  const group = w === null ? null : await w.group(a.group);
  if (w === null || group === null) return XE.noKeyOrGroup(a.key, a.group);
  const argv = a.argv;
  const minIdleArg = parseInt64(argv[4]!);
  if (minIdleArg === null) return XE.xclaimMinIdle;
  const minIdle = minIdleArg < 0n ? 0n : minIdleArg;
  let j = 5;
  const ids: StreamId[] = [];
  for (; j < argv.length; j++) {
    const id = strictId(argv[j]!);
    if (id === null) break;
    ids.push(id);
  }
  const now = BigInt(ctx.nowMs);
  let force = false;
  let justId = false;
  let retryCount = -1n;
  let deliveryTime = -1n;
  let lastId: StreamId | null = null;
  for (; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j]!;
    if (eqIgnoreCase(opt, 'force')) force = true;
    else if (eqIgnoreCase(opt, 'justid')) justId = true;
    else if (eqIgnoreCase(opt, 'idle') && more > 0) {
      const v = parseInt64(argv[++j]!);
      if (v === null) return XE.xclaimIdle;
      deliveryTime = now - v;
    } else if (eqIgnoreCase(opt, 'time') && more > 0) {
      const v = parseInt64(argv[++j]!);
      if (v === null) return XE.xclaimTime;
      deliveryTime = v;
    } else if (eqIgnoreCase(opt, 'retrycount') && more > 0) {
      const v = parseInt64(argv[++j]!);
      if (v === null) return XE.xclaimRetryCount;
      retryCount = v;
    } else if (eqIgnoreCase(opt, 'lastid') && more > 0) {
      const v = strictId(argv[++j]!);
      if (v === null) return XE.invalidId;
      lastId = v;
    } else return XE.xclaimUnknownOption(opt);
  }
  if (lastId !== null && compareIds(lastId, group.lastId) > 0) w.putGroup({ ...group, lastId });
  if (deliveryTime === -1n || deliveryTime < 0n || deliveryTime > now) deliveryTime = now;
  const out: Reply[] = [];
  for (const id of ids) {
    const nack = await w.nack(a.group, id);
    const entry = await w.entry(id);
    if (entry === null) {
      if (nack !== null) await w.deleteNack(a.group, nack);
      continue;
    }
    let count: bigint;
    if (nack === null) {
      if (!force) continue;
      // streamCreateNACK: a fresh NACK counts one delivery; it has no consumer, so no idle check.
      count = 1n;
    } else {
      if (minIdle !== 0n && now - BigInt(nack.deliveryTimeMs) < minIdle) continue;
      count = nack.deliveryCount;
    }
    if (retryCount >= 0n) count = retryCount;
    else if (!justId) count++;
    await claim(w, a.group, a.consumer, nack, id, Number(deliveryTime), count, ctx.nowMs);
    out.push(justId ? idReply(id) : entryReply(entry));
  }
  await w.commit();
  return array(out);
}

const xclaim = writeCommand(
  'xclaim',
  streamMeta(-6, ['write', 'fast'], K1, 'Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer.', '5.0.0', 'O(log N) with N being the number of messages in the PEL of the consumer group.'),
  (argv) => ({ key: argv[1]!, group: argv[2]!, consumer: argv[3]!, argv }),
  xclaimRun,
);

/** LONG_MAX / max(sizeof(streamID), 10): XAUTOCLAIM's largest COUNT. */
const AUTOCLAIM_COUNT_MAX = INT64_MAX / 16n;
const AUTOCLAIM_ATTEMPTS_FACTOR = 10n;

interface XautoclaimArgs {
  key: Buffer;
  group: Buffer;
  consumer: Buffer;
  minIdle: bigint;
  start: StreamId;
  count: bigint;
  justId: boolean;
}

function parseXautoclaim(argv: readonly Buffer[]): ParseResult<XautoclaimArgs> {
  const idle = parseInt64(argv[4]!);
  if (idle === null) return fail(XE.xautoclaimMinIdle);
  const start = rangeStart(argv[5]!);
  if (isArgError(start)) return start;
  let count = 100n;
  let justId = false;
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (eqIgnoreCase(argv[j]!, 'count') && more > 0) {
      const v = parseInt64(argv[j + 1]!);
      if (v === null || v < 1n || v > AUTOCLAIM_COUNT_MAX) return fail(XE.xautoclaimCount);
      count = v;
      j++;
    } else if (eqIgnoreCase(argv[j]!, 'justid')) justId = true;
    else return fail(E.syntax);
  }
  return { key: argv[1]!, group: argv[2]!, consumer: argv[3]!, minIdle: idle < 0n ? 0n : idle, start, count, justId };
}

const xautoclaim = writeCommand(
  'xautoclaim',
  streamMeta(-6, ['write', 'fast'], K1, 'Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer.', '6.2.0', 'O(1) if COUNT is small.'),
  parseXautoclaim,
  async (ctx, a) => {
    const w = await openStreamForWrite(ctx.ks, ctx.db, a.key, false);
    if (w === WRONGTYPE) return E.wrongType;
    if (w === null || (await w.group(a.group)) === null) return XE.noKeyOrGroup(a.key, a.group);
    const now = BigInt(ctx.nowMs);
    let attempts = a.count * AUTOCLAIM_ATTEMPTS_FACTOR;
    let count = a.count;
    const claimed: Reply[] = [];
    const deleted: Reply[] = [];
    // The PEL is read in pages so claims below (which rewrite NACKs) never disturb the scan.
    let cursor: StreamId | null = a.start;
    let next: StreamId = MIN_ID;
    scan: while (cursor !== null) {
      const page: Nack[] = [];
      for await (const n of w.pel(a.group, { start: cursor, end: MAX_ID, limit: 64 })) page.push(n);
      if (page.length === 0) break;
      for (const n of page) {
        if (attempts === 0n || count === 0n) {
          next = n.id;
          break scan;
        }
        attempts--;
        const entry = await w.entry(n.id);
        if (entry === null) {
          await w.deleteNack(a.group, n);
          deleted.push(idReply(n.id));
          count--;
          continue;
        }
        if (a.minIdle !== 0n && now - BigInt(n.deliveryTimeMs) < a.minIdle) continue;
        await claim(w, a.group, a.consumer, n, n.id, ctx.nowMs, a.justId ? n.deliveryCount : n.deliveryCount + 1n, ctx.nowMs);
        claimed.push(a.justId ? idReply(n.id) : entryReply(entry));
        count--;
      }
      cursor = incrId(page[page.length - 1]!.id);
    }
    await w.commit();
    return array([idReply(next), array(claimed), array(deleted)]);
  },
);

export const streamGroupCommands: Command[] = [xgroupCommand, xack, xpending, xclaim, xautoclaim];
