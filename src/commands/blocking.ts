// Blocking list and sorted-set commands (Redis 7.0 t_list.c / t_zset.c / blocked.c): BLPOP,
// BRPOP, BRPOPLPUSH, BLMOVE, BLMPOP, BZPOPMIN, BZPOPMAX and BZMPOP. Each is planned here as its
// non-blocking write (LMPOP, LMOVE, ZMPOP) plus the keys to wait on; the dispatcher and the
// blocking registry (server/blocking.ts) run the write, wait, and retry when a key is written.
import { array, type Reply } from '../resp/reply.js';
import { KeyType } from '../state-machine/encoding.js';
import type { Keyspace } from '../state-machine/keyspace.js';
import { parseInt64, parseLongDouble } from './args.js';
import { E } from './errors.js';
import { blockingCommand, type BlockingPlan, type Command, type CommandFlag, type KeyRange, type WakeAction } from './table.js';

/** 2^63: the first millisecond count a long long cannot hold. */
const LLONG_LIMIT = 2 ** 63;

/**
 * getTimeoutFromObjectOrReply with UNIT_SECONDS: a long double of seconds, made milliseconds
 * and rounded up; 0 waits forever. Returns the milliseconds to wait, or the error.
 */
export function parseTimeout(arg: Buffer): number | Reply {
  const ld = parseLongDouble(arg);
  if (ld === null) return E.timeoutNotFloat;
  let seconds = ld.kind === 'inf' ? Infinity : Number(ld.mant) * 2 ** ld.exp;
  // A long double too small for a JS number is still above zero: ceill makes it 1 ms.
  if (seconds === 0 && ld.kind === 'finite' && ld.mant !== 0n) seconds = Number.MIN_VALUE;
  if (ld.neg) seconds = -seconds;
  // ceill, then the cast to long long: -0.0001 seconds becomes -0, not negative (Redis then
  // waits forever too), and anything past LLONG_MAX milliseconds becomes LLONG_MIN, "negative".
  const tval = Math.ceil(seconds * 1000);
  if (tval < 0 || !(tval < LLONG_LIMIT)) return E.timeoutNegative;
  return tval;
}

const text = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Retries a pop only when the key holds a non-empty value of its type: anything else cannot serve it. */
function whenNonEmpty(type: KeyType.List | KeyType.ZSet) {
  return async (view: Keyspace, db: number, key: Buffer): Promise<WakeAction> => {
    const meta = await view.meta(db, key);
    return meta !== null && meta.type === type && meta.count > 0 ? 'retry' : 'wait';
  };
}
const LIST_WAKE = whenNonEmpty(KeyType.List);
const ZSET_WAKE = whenNonEmpty(KeyType.ZSet);
const ONE = text('1');

/** LMPOP/ZMPOP's [key, [items]]: null when nothing was popped, an error as is. */
function mpopParts(reply: Reply): { key: Reply; items: readonly Reply[] } | null {
  if (reply.t !== 'array') return null;
  const [key, items] = reply.items;
  if (key === undefined || items === undefined || items.t !== 'array') return null;
  return { key, items: items.items };
}

/** BLPOP/BRPOP: LMPOP numkeys keys LEFT|RIGHT COUNT 1, answered as [key, element]. */
function popPlan(end: 'LEFT' | 'RIGHT') {
  return (argv: readonly Buffer[]): BlockingPlan | Reply => {
    const timeoutMs = parseTimeout(argv[argv.length - 1]!);
    if (typeof timeoutMs !== 'number') return timeoutMs;
    const keys = argv.slice(1, -1);
    const mpop = (ks: readonly Buffer[]): Buffer[] => [text('LMPOP'), text(String(ks.length)), ...ks, text(end), text('COUNT'), ONE];
    return {
      argv: mpop(keys),
      keys,
      retry: 'write',
      consumes: true,
      onWake: LIST_WAKE,
      timeoutMs,
      retryArgv: (key) => mpop([key]),
      reshape: (reply) => {
        if (reply.t === 'error') return reply;
        const parts = mpopParts(reply);
        return parts === null ? null : array([parts.key, parts.items[0]!]);
      },
    };
  };
}

/** BZPOPMIN/BZPOPMAX: ZMPOP numkeys keys MIN|MAX COUNT 1, answered as [key, member, score]. */
function zpopPlan(where: 'MIN' | 'MAX') {
  return (argv: readonly Buffer[]): BlockingPlan | Reply => {
    const timeoutMs = parseTimeout(argv[argv.length - 1]!);
    if (typeof timeoutMs !== 'number') return timeoutMs;
    const keys = argv.slice(1, -1);
    const mpop = (ks: readonly Buffer[]): Buffer[] => [text('ZMPOP'), text(String(ks.length)), ...ks, text(where), text('COUNT'), ONE];
    return {
      argv: mpop(keys),
      keys,
      retry: 'write',
      consumes: true,
      onWake: ZSET_WAKE,
      timeoutMs,
      retryArgv: (key) => mpop([key]),
      reshape: (reply) => {
        if (reply.t === 'error') return reply;
        const parts = mpopParts(reply);
        const pair = parts?.items[0];
        if (parts === null || pair === undefined || pair.t !== 'array') return null;
        return array([parts.key, pair.items[0]!, pair.items[1]!]);
      },
    };
  };
}

/**
 * BLMPOP/BZMPOP timeout numkeys key... where [COUNT n]: the arguments after the timeout are the
 * non-blocking command's, checked first (Redis parses numkeys, the end and COUNT before the timeout).
 */
function mpopPlan(write: 'LMPOP' | 'ZMPOP', validate: (argv: readonly Buffer[]) => Reply | null) {
  return (argv: readonly Buffer[]): BlockingPlan | Reply => {
    const writeArgv = [text(write), ...argv.slice(2)];
    const invalid = validate(writeArgv);
    if (invalid) return invalid;
    const timeoutMs = parseTimeout(argv[1]!);
    if (typeof timeoutMs !== 'number') return timeoutMs;
    const numkeys = Number(parseInt64(writeArgv[1]!)!);
    const keys = writeArgv.slice(2, 2 + numkeys);
    const rest = writeArgv.slice(2 + numkeys);
    return {
      argv: writeArgv,
      keys,
      retry: 'write',
      consumes: true,
      onWake: write === 'LMPOP' ? LIST_WAKE : ZSET_WAKE,
      timeoutMs,
      retryArgv: (key) => [text(write), ONE, key, ...rest],
      reshape: (reply) => (reply.t === 'nullArray' ? null : reply),
    };
  };
}

/** BLMOVE source destination from to timeout, BRPOPLPUSH source destination timeout: LMOVE. */
function movePlan(ends: (argv: readonly Buffer[]) => [Buffer, Buffer] | null, timeoutIdx: number) {
  return (argv: readonly Buffer[]): BlockingPlan | Reply => {
    const e = ends(argv);
    if (e === null) return E.syntax;
    const timeoutMs = parseTimeout(argv[timeoutIdx]!);
    if (typeof timeoutMs !== 'number') return timeoutMs;
    const lmove = [text('LMOVE'), argv[1]!, argv[2]!, e[0], e[1]];
    return {
      argv: lmove,
      keys: [argv[1]!],
      retry: 'write',
      consumes: true,
      onWake: LIST_WAKE,
      timeoutMs,
      retryArgv: () => lmove,
      reshape: (reply) => (reply.t === 'null' ? null : reply),
    };
  };
}

function isEnd(b: Buffer): boolean {
  const s = b.toString('latin1').toLowerCase();
  return s === 'left' || s === 'right';
}

const meta = (arity: number, flags: readonly CommandFlag[], keys: KeyRange | null, group: 'list' | 'sortedset', summary: string, since: string, complexity: string) => ({
  arity,
  flags,
  keys,
  acl: [group === 'list' ? '@list' : '@sortedset'],
  docs: { summary, since, group, complexity },
});

const ALL_BUT_LAST: KeyRange = { first: 1, last: -2, step: 1 };
const SRC_DST: KeyRange = { first: 1, last: 2, step: 1 };

/**
 * Built from the table's LMPOP and ZMPOP validators, so BLMPOP/BZMPOP reject exactly what those do.
 */
export function blockingCommands(lookup: (name: string) => Command | undefined): Command[] {
  const validatorOf = (name: string): ((argv: readonly Buffer[]) => Reply | null) => {
    const cmd = lookup(name);
    if (cmd === undefined || cmd.kind !== 'write') throw new Error(`blocking commands need the write command ${name}`);
    return (argv) => cmd.validate(argv);
  };
  return [
    blockingCommand('blpop', meta(-3, ['write', 'noscript', 'blocking'], ALL_BUT_LAST, 'list', 'Remove and get the first element in a list, or block until one is available', '2.0.0', 'O(N) where N is the number of provided keys.'), popPlan('LEFT')),
    blockingCommand('brpop', meta(-3, ['write', 'noscript', 'blocking'], ALL_BUT_LAST, 'list', 'Remove and get the last element in a list, or block until one is available', '2.0.0', 'O(N) where N is the number of provided keys.'), popPlan('RIGHT')),
    blockingCommand(
      'brpoplpush',
      meta(4, ['write', 'denyoom', 'noscript', 'blocking'], SRC_DST, 'list', 'Pop an element from a list, push it to another list and return it; or block until one is available', '2.2.0', 'O(1)'),
      movePlan(() => [text('RIGHT'), text('LEFT')], 3),
    ),
    blockingCommand(
      'blmove',
      meta(6, ['write', 'denyoom', 'noscript', 'blocking'], SRC_DST, 'list', 'Pop an element from a list, push it to another list and return it; or block until one is available', '6.2.0', 'O(1)'),
      movePlan((argv) => (isEnd(argv[3]!) && isEnd(argv[4]!) ? [argv[3]!, argv[4]!] : null), 5),
    ),
    blockingCommand(
      'blmpop',
      meta(-5, ['write', 'blocking'], null, 'list', 'Pop elements from a list, or block until one is available', '7.0.0', 'O(N+M) where N is the number of provided keys and M is the number of elements returned.'),
      mpopPlan('LMPOP', validatorOf('lmpop')),
    ),
    blockingCommand(
      'bzpopmin',
      meta(-3, ['write', 'noscript', 'blocking', 'fast'], ALL_BUT_LAST, 'sortedset', 'Remove and return the member with the lowest score from one or more sorted sets, or block until one is available', '5.0.0', 'O(log(N)) with N being the number of elements in the sorted set.'),
      zpopPlan('MIN'),
    ),
    blockingCommand(
      'bzpopmax',
      meta(-3, ['write', 'noscript', 'blocking', 'fast'], ALL_BUT_LAST, 'sortedset', 'Remove and return the member with the highest score from one or more sorted sets, or block until one is available', '5.0.0', 'O(log(N)) with N being the number of elements in the sorted set.'),
      zpopPlan('MAX'),
    ),
    blockingCommand(
      'bzmpop',
      meta(-5, ['write', 'blocking'], null, 'sortedset', 'Remove and return members with scores in a sorted set or block until one is available', '7.0.0', 'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.'),
      mpopPlan('ZMPOP', validatorOf('zmpop')),
    ),
  ];
}
