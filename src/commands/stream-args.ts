// Pieces shared by the stream commands (t_stream.c): ID arguments, entry replies, trimming
// options and the command metadata helper.
import { array, bulk, bulks, NULL_ARRAY, type Reply } from '../resp/reply.js';
import { decrId, formatId, incrId, parseId, parseIntervalId, U64_MAX, type StreamId } from '../state-machine/types/stream-id.js';
import type { StreamEntry, TrimArgs } from '../state-machine/types/stream.js';
import { MIN_ID } from '../state-machine/types/stream-id.js';
import { eqIgnoreCase, parseInt64 } from './args.js';
import { E, XE } from './errors.js';
import { fail, type CommandFlag, type KeyRange, type ParseResult } from './table.js';

export const K1: KeyRange = { first: 1, last: 1, step: 1 };

export const streamMeta = (arity: number, flags: readonly CommandFlag[], keys: KeyRange | null, summary: string, since: string, complexity = 'O(1)') => ({
  arity,
  flags,
  keys,
  acl: ['@stream'],
  docs: { summary, since, group: 'stream', complexity },
});

export const idReply = (id: StreamId): Reply => bulk(formatId(id));

/** One entry as Redis replies it: [id, [field, value, ...]]. */
export const entryReply = (e: StreamEntry): Reply => array([idReply(e.id), bulks(e.fields)]);

/** A pending entry whose stream entry was deleted: [id, nil]. */
export const deletedEntryReply = (id: StreamId): Reply => array([idReply(id), NULL_ARRAY]);

/** streamParseStrictIDOrReply: `-` and `+` refused, a missing sequence is 0. */
export function strictId(arg: Buffer): StreamId | null {
  return parseId(arg, 0n, true)?.id ?? null;
}

/** A range's start (missing sequence 0); `(` excludes it: the next ID, or Redis's interval error. */
export function rangeStart(arg: Buffer): StreamId | { error: Reply } {
  const parsed = parseIntervalId(arg, 0n);
  if (parsed === null) return fail(XE.invalidId);
  const id = parsed.exclusive ? incrId(parsed.id) : parsed.id;
  return id ?? fail(XE.invalidStartInterval);
}

/** A range's end (missing sequence max); `(` excludes it: the previous ID, or Redis's interval error. */
export function rangeEnd(arg: Buffer): StreamId | { error: Reply } {
  const parsed = parseIntervalId(arg, U64_MAX);
  if (parsed === null) return fail(XE.invalidId);
  const id = parsed.exclusive ? decrId(parsed.id) : parsed.id;
  return id ?? fail(XE.invalidEndInterval);
}

/** getLongLongFromObjectOrReply. */
export function int64Arg(arg: Buffer): bigint | { error: Reply } {
  const v = parseInt64(arg);
  return v === null ? fail(E.notInteger) : v;
}

export const isArgError = (v: unknown): v is { error: Reply } => typeof v === 'object' && v !== null && 'error' in v;

/** What streamParseAddOrTrimArgsOrReply reads: trimming options, and for XADD the ID and NOMKSTREAM. */
export interface AddOrTrimArgs {
  readonly trim: TrimArgs | null;
  readonly noMkstream: boolean;
  /** XADD: the explicit ID (null for `*`). */
  readonly id: StreamId | null;
  readonly seqGiven: boolean;
  /** XADD: where the field/value pairs start. */
  readonly fieldsAt: number;
}

/** Redis 7.0: LIMIT defaults to 100 × stream-node-max-entries for `~` trimming. */
const APPROX_LIMIT_DEFAULT = 10_000n;

export function parseAddOrTrim(argv: readonly Buffer[], xadd: boolean): ParseResult<AddOrTrimArgs> {
  let strategy: 'maxlen' | 'minid' | null = null;
  let maxlen = 0n;
  let minid: StreamId = MIN_ID;
  let approx = false;
  let limit = 0n;
  let limitGiven = false;
  let noMkstream = false;
  let id: StreamId | null = null;
  let seqGiven = true;
  let i = 2;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i]!;
    if (xadd && opt.length === 1 && opt[0] === 0x2a) break;
    if ((eqIgnoreCase(opt, 'maxlen') || eqIgnoreCase(opt, 'minid')) && more > 0) {
      if (strategy !== null) return fail(XE.maxlenAndMinid);
      const isMaxlen = eqIgnoreCase(opt, 'maxlen');
      approx = false;
      const next = argv[i + 1]!;
      if (more >= 2 && next.length === 1 && next[0] === 0x7e) {
        approx = true;
        i++;
      } else if (more >= 2 && next.length === 1 && next[0] === 0x3d) {
        i++;
      }
      if (isMaxlen) {
        const v = int64Arg(argv[i + 1]!);
        if (isArgError(v)) return v;
        if (v < 0n) return fail(XE.maxlenNegative);
        maxlen = v;
      } else {
        const v = strictId(argv[i + 1]!);
        if (v === null) return fail(XE.invalidId);
        minid = v;
      }
      i++;
      strategy = isMaxlen ? 'maxlen' : 'minid';
    } else if (eqIgnoreCase(opt, 'limit') && more > 0) {
      const v = int64Arg(argv[i + 1]!);
      if (isArgError(v)) return v;
      if (v < 0n) return fail(XE.limitNegative);
      limit = v;
      limitGiven = true;
      i++;
    } else if (xadd && eqIgnoreCase(opt, 'nomkstream')) {
      noMkstream = true;
    } else if (xadd) {
      const parsed = parseId(opt, 0n, true, true);
      if (parsed === null) return fail(XE.invalidId);
      id = parsed.id;
      seqGiven = parsed.seqGiven;
      break;
    } else {
      return fail(E.syntax);
    }
  }
  if (limit !== 0n && strategy === null) return fail(XE.limitWithoutStrategy);
  if (!xadd && strategy === null) return fail(XE.xtrimWithoutStrategy);
  if (limitGiven && !approx) return fail(XE.limitWithoutApprox);
  if (!limitGiven) limit = approx ? APPROX_LIMIT_DEFAULT : 0n;
  return { trim: strategy === null ? null : { strategy, maxlen, minid, approx, limit }, noMkstream, id, seqGiven, fieldsAt: i + 1 };
}
