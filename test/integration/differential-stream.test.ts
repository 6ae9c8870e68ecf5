// Sends the same seeded random sequences of stream commands (entries, trimming, XSETID, consumer
// groups, PELs, claims, XINFO), mixed with keyspace commands, to pikiraft and to redis-server
// 7.0, over RESP2 and RESP3, and compares every reply with its type.
//
// What depends on the clock or on Redis's memory layout is masked on both sides:
// - IDs XADD generates from the clock (`*`) become AUTO-<seq>, absolute times (seen-time,
//   delivery-time) TIME, idle times (XPENDING's third field, XINFO's `idle`) IDLE;
// - XINFO STREAM's radix-tree-nodes (inner nodes of Redis's radix tree; radix-tree-keys, the
//   listpack nodes, is compared).
import { describe, expect, it } from 'vitest';
import { pick, plain, serverPair, sortPlain, type Conn, type Plain } from '../helpers/differential.js';
import { seededRng, type Rng } from '../../src/util/rng.js';

const KEYS = ['s1', 's1', 's2', 's3', 'str'];
const GROUPS = ['g1', 'g1', 'g2', 'nog'];
const CONSUMERS = ['c1', 'c2', 'c3'];
const FIELDS = ['f', 'g', 'h'];
const VALUES = ['1', 'v', '', 'long-ish value'];
const COUNTS = ['0', '1', '2', '3', '5', '10', '-1', 'x'];
const BAD_IDS = ['x', '-1', '1-x', '', '18446744073709551616', '(1', '-', '+', ' 1-1', '+1-1', '01-1', '1-', '1-2-3', '-01', '1- 2', '18446744073709551616-0', '(-', '((1'];

function randomId(rng: Rng): string {
  const r = rng.int(20);
  if (r === 0) return pick(rng, BAD_IDS);
  if (r === 1) return '18446744073709551615-18446744073709551615';
  if (r === 2) return String(rng.int(8));
  return `${rng.int(8)}-${rng.int(4)}`;
}

function rangeBound(rng: Rng, low: boolean): string {
  const r = rng.int(6);
  if (r === 0) return low ? '-' : '+';
  if (r === 1) return `(${randomId(rng)}`;
  return randomId(rng);
}

function trimArgs(rng: Rng): string[] {
  const how = pick(rng, [[], ['='], ['~']]);
  const strategy = rng.int(2) === 0 ? ['MAXLEN', ...how, pick(rng, ['0', '1', '2', '3', '5', '-1', 'x'])] : ['MINID', ...how, randomId(rng)];
  const limit = rng.int(5) === 0 ? ['LIMIT', pick(rng, ['0', '1', '5', '-1'])] : [];
  return [...strategy, ...limit];
}

function randomCommand(rng: Rng): string[] {
  const k = (): string => pick(rng, KEYS);
  const g = (): string => pick(rng, GROUPS);
  const c = (): string => pick(rng, CONSUMERS);
  const id = (): string => randomId(rng);
  const some = <T>(gen: () => T, max: number): T[] => Array.from({ length: 1 + rng.int(max) }, gen);
  const fields = (): string[] => some(() => [pick(rng, FIELDS), pick(rng, VALUES)], 2).flat();
  const gens: (() => string[])[] = [
    () => ['XADD', k(), `${rng.int(8)}-${rng.int(4)}`, ...fields()],
    () => ['XADD', k(), `${rng.int(10)}-*`, ...fields()],
    () => ['XADD', k(), String(rng.int(10)), ...fields()],
    () => ['XADD', k(), ...(rng.int(3) === 0 ? ['NOMKSTREAM'] : []), ...(rng.int(2) === 0 ? trimArgs(rng) : []), pick(rng, [id(), '*', `${8 + rng.int(4)}-*`]), ...fields()],
    () => ['XADD', k(), id(), 'f'],
    () => ['XRANGE', k(), rangeBound(rng, true), rangeBound(rng, false), ...(rng.int(2) === 0 ? ['COUNT', pick(rng, COUNTS)] : [])],
    () => ['XREVRANGE', k(), rangeBound(rng, false), rangeBound(rng, true), ...(rng.int(2) === 0 ? ['COUNT', pick(rng, COUNTS)] : [])],
    () => ['XLEN', k()],
    () => ['XDEL', k(), ...some(id, 3)],
    () => ['XTRIM', k(), ...trimArgs(rng)],
    () => ['XSETID', k(), id(), ...(rng.int(2) === 0 ? ['ENTRIESADDED', pick(rng, ['0', '3', '100', '-1'])] : []), ...(rng.int(2) === 0 ? ['MAXDELETEDID', id()] : [])],
    () => ['XGROUP', 'CREATE', k(), g(), pick(rng, ['$', '0', id()]), ...(rng.int(2) === 0 ? ['MKSTREAM'] : []), ...(rng.int(4) === 0 ? ['ENTRIESREAD', pick(rng, ['0', '2', '-1', '-2'])] : [])],
    () => ['XGROUP', 'SETID', k(), g(), pick(rng, ['$', '0', id()]), ...(rng.int(3) === 0 ? ['ENTRIESREAD', pick(rng, ['0', '2', '-1'])] : [])],
    () => ['XGROUP', 'DESTROY', k(), g()],
    () => ['XGROUP', 'CREATECONSUMER', k(), g(), c()],
    () => ['XGROUP', 'DELCONSUMER', k(), g(), c()],
    () => ['XREADGROUP', 'GROUP', g(), c(), ...(rng.int(2) === 0 ? ['COUNT', pick(rng, COUNTS)] : []), ...(rng.int(4) === 0 ? ['NOACK'] : []), 'STREAMS', k(), pick(rng, ['>', '>', '0', id(), '$'])],
    () => ['XREADGROUP', 'GROUP', g(), c(), 'STREAMS', k(), k(), pick(rng, ['>', '0']), pick(rng, ['>', '0'])],
    () => ['XREAD', ...(rng.int(2) === 0 ? ['COUNT', pick(rng, COUNTS)] : []), 'STREAMS', k(), pick(rng, ['0', '$', id(), '>'])],
    () => ['XREAD', 'STREAMS', k(), k(), id(), '0'],
    () => ['XACK', k(), g(), ...some(id, 3)],
    () => ['XPENDING', k(), g()],
    () => ['XPENDING', k(), g(), ...(rng.int(3) === 0 ? ['IDLE', '0'] : []), rangeBound(rng, true), rangeBound(rng, false), pick(rng, COUNTS), ...(rng.int(2) === 0 ? [c()] : [])],
    () => ['XCLAIM', k(), g(), c(), pick(rng, ['0', '-5', 'x']), ...some(id, 3), ...pick(rng, [[], ['FORCE'], ['JUSTID'], ['RETRYCOUNT', '5'], ['LASTID', id()], ['IDLE', '100'], ['FORCE', 'JUSTID'], ['BOGUS']])],
    () => ['XAUTOCLAIM', k(), g(), c(), pick(rng, ['0', '0', 'x']), pick(rng, ['0', '-', id(), `(${id()}`]), ...pick(rng, [[], ['COUNT', pick(rng, ['1', '2', '0', 'x'])], ['JUSTID'], ['COUNT', '1', 'JUSTID']])],
    () => ['XINFO', 'STREAM', k(), ...pick(rng, [[], ['FULL'], ['FULL', 'COUNT', pick(rng, ['0', '1', '2', '-1', 'x'])], ['BOGUS']])],
    () => ['XINFO', 'GROUPS', k()],
    () => ['XINFO', 'CONSUMERS', k(), g()],
    () => ['DEL', k()],
    () => ['TYPE', k()],
    () => ['EXISTS', k()],
    () => ['COPY', k(), k()],
    () => ['RENAME', k(), k()],
    () => ['SET', 'str', 'x'],
  ];
  if (rng.int(150) === 0) return pick(rng, [['FLUSHDB'], ['XINFO', 'HELP'], ['XGROUP', 'HELP'], ['SCAN', '0', 'TYPE', 'stream'], ['OBJECT', 'ENCODING', 's1']]);
  return pick(rng, gens)();
}

const MASKED_FIELDS = new Map([
  ['idle', 'IDLE'],
  ['seen-time', 'TIME'],
  ['radix-tree-nodes', 'MASKED'],
]);
/** Clock-generated IDs (XADD *): milliseconds since 2020. */
const AUTO_ID = /^1[6-9][0-9]{11}-([0-9]+)$/;

/** Masks what depends on the clock or on Redis's memory layout (see the header). */
function mask(v: Plain): Plain {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(mask);
  if ('bulk' in v && typeof v.bulk === 'string') {
    const m = AUTO_ID.exec(v.bulk);
    return m ? { bulk: `AUTO-${m[1]}` } : v;
  }
  if ('int' in v && typeof v.int === 'string' && v.int.length >= 13) return 'TIME';
  if ('array' in v && Array.isArray(v.array)) {
    const items = v.array.map(mask);
    for (let i = 0; i + 1 < items.length; i++) {
      const it = items[i];
      if (it !== null && typeof it === 'object' && !Array.isArray(it) && typeof it.bulk === 'string' && MASKED_FIELDS.has(it.bulk)) items[i + 1] = MASKED_FIELDS.get(it.bulk)!;
    }
    return { array: items };
  }
  if ('map' in v && Array.isArray(v.map)) {
    return {
      map: v.map.map((e) => {
        const [key, value] = e as [Plain, Plain];
        const name = key !== null && typeof key === 'object' && !Array.isArray(key) && typeof key.bulk === 'string' ? key.bulk : null;
        return [key, name !== null && MASKED_FIELDS.has(name) ? MASKED_FIELDS.get(name)! : mask(value)];
      }),
    };
  }
  return v;
}

/** XPENDING's extended form: [id, consumer, idle, deliveries] per entry; idle is the clock's. */
function maskPendingIdle(v: Plain): Plain {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || !Array.isArray(v.array)) return v;
  return {
    array: v.array.map((item) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item) || !Array.isArray(item.array) || item.array.length !== 4) return item;
      return { array: [item.array[0]!, item.array[1]!, 'IDLE', item.array[3]!] };
    }),
  };
}

/** SCAN's keys come in hash-table order from Redis, byte order from pikiraft. */
function scanKeysSorted(v: Plain): Plain {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || !Array.isArray(v.array)) return v;
  const [cursor, keys] = v.array;
  if (keys === null || typeof keys !== 'object' || Array.isArray(keys) || !Array.isArray(keys.array)) return v;
  return { array: [cursor!, { array: sortPlain(keys.array) }] };
}

async function both(ours: Conn, theirs: Conn, argv: string[]): Promise<[Plain, Plain]> {
  const [a, b] = await Promise.all([ours.c.call(...argv), theirs.c.call(...argv)]);
  const norm = (p: Plain): Plain => {
    if (argv[0] === 'SCAN') return scanKeysSorted(p);
    const masked = mask(p);
    return argv[0] === 'XPENDING' && argv.length > 3 ? maskPendingIdle(masked) : masked;
  };
  return [norm(plain(a.value)), norm(plain(b.value))];
}

describe('differential: streams against redis-server 7.0', () => {
  const { ours, theirs } = serverPair();

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 50]) {
    it(`seed ${seed}: 400 commands give the same replies (RESP2 and RESP3)`, async () => {
      await Promise.all([ours[0]!.c.call('FLUSHALL'), theirs[0]!.c.call('FLUSHALL')]);
      const rng = seededRng(seed * 104729);
      for (let i = 0; i < 400; i++) {
        const argv = randomCommand(rng);
        const p = rng.int(2);
        const [a, b] = await both(ours[p]!, theirs[p]!, argv);
        expect({ step: i, proto: p + 2, argv, reply: a }).toEqual({ step: i, proto: p + 2, argv, reply: b });
      }
    });
  }

  it('long streams: node-sized trimming with ~, MINID, LIMIT, XINFO radix-tree-keys', async () => {
    for (const proto of [0, 1]) {
      await Promise.all([ours[0]!.c.call('FLUSHALL'), theirs[0]!.c.call('FLUSHALL')]);
      const steps: string[][] = [];
      for (let i = 1; i <= 450; i++) steps.push(['XADD', 'big', `${i}-1`, 'f', String(i)]);
      steps.push(
        ['XINFO', 'STREAM', 'big'],
        ['XDEL', 'big', '5-1', '150-1', '151-1'],
        ['XTRIM', 'big', 'MAXLEN', '~', '330'],
        ['XINFO', 'STREAM', 'big'],
        ['XTRIM', 'big', 'MAXLEN', '~', '100', 'LIMIT', '150'],
        ['XLEN', 'big'],
        ['XTRIM', 'big', 'MINID', '~', '390-0'],
        ['XTRIM', 'big', 'MINID', '395-1'],
        ['XADD', 'big', 'MAXLEN', '~', '10', '500-1', 'f', 'x'],
        ['XADD', 'big', 'MAXLEN', '=', '10', '501-1', 'f', 'x'],
        ['XRANGE', 'big', '-', '+'],
        ['XINFO', 'STREAM', 'big', 'FULL', 'COUNT', '3'],
      );
      // Larger entries: nodes close on stream-node-max-bytes before 100 entries, at sizes that
      // depend on listpack encodings (integers, same fields as the node's first entry or not).
      for (let i = 1; i <= 300; i++) {
        const fields = i % 7 === 0 ? ['other', String(i * 1000), 'x', 'y'.repeat(i % 90)] : ['f', i % 3 === 0 ? String(-i * 77777) : 'v'.repeat((i * 37) % 200)];
        steps.push(['XADD', 'wide', `${i}-${i % 5}`, ...fields]);
        if (i % 50 === 0) steps.push(['XINFO', 'STREAM', 'wide']);
      }
      // When the tail node loses its last entry, the node before it becomes the tail again and
      // takes new entries while they fit.
      for (let i = 1; i <= 80; i++) steps.push(['XADD', 'tail', `${i}-0`, 'f', 'v'.repeat(60)]);
      steps.push(['XINFO', 'STREAM', 'tail'], ['XDEL', 'tail', ...Array.from({ length: 41 }, (_, i) => `${40 + i}-0`)], ['XINFO', 'STREAM', 'tail']);
      for (let i = 81; i <= 90; i++) steps.push(['XADD', 'tail', `${i}-0`, 'f', '1'], ['XINFO', 'STREAM', 'tail']);
      steps.push(['XTRIM', 'wide', 'MAXLEN', '~', '200'], ['XINFO', 'STREAM', 'wide'], ['XTRIM', 'wide', 'MINID', '~', '250'], ['XLEN', 'wide'], ['XRANGE', 'wide', '-', '+', 'COUNT', '2']);
      for (const argv of steps) {
        const [a, b] = await both(ours[proto]!, theirs[proto]!, argv);
        expect({ argv, reply: a }).toEqual({ argv, reply: b });
      }
    }
  });
});
