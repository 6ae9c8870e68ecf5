// SORT and SORT_RO against redis-server 7.0: raw replies over RESP2 and RESP3 for lists, sets and
// sorted sets, numeric and ALPHA sorts, BY/GET patterns (strings, hash fields, `#`, constants),
// LIMIT, DESC, STORE, and the error paths. Where Redis's order is its hash table's (a set's
// native order), replies are compared as multisets.
import { beforeEach, describe, expect, it } from 'vitest';
import { itemsOf, type RespValue } from '../helpers/resp-client.js';
import { pick, serverPair, type Conn } from '../helpers/differential.js';
import { seededRng } from '../../src/util/rng.js';

const { ours, theirs } = serverPair();

type Arg = string | Buffer;

const SETUP: Arg[][] = [
  ['RPUSH', 'nums', '3', '1', '2', '10', '-5', '2.5', '1e3', '0x10', ' 7', '', '1\u0000x', '-0', '0x1p-2', '+4', '.5'],
  ['RPUSH', 'words', 'banana', 'apple', 'Cherry', 'apple', 'date', '', 'a\u0000b', 'a', '\u00ff', 'B'],
  ['RPUSH', 'dups', '2', '1', '2', '1', '3'],
  ['RPUSH', 'bad', '1', 'x', '2'],
  ['SADD', 'iset', '5', '3', '9', '1', '-7'],
  ['SADD', 'hset', '3.5', '1', '2', '10', '-1', '100'],
  ['SADD', 'wset', 'pear', 'fig', 'kiwi', 'apple'],
  ['ZADD', 'z', '1', 'c', '2', 'a', '3', 'b', '3', 'd', '0', 'e'],
  ['ZADD', 'znum', '5', '10', '1', '20', '3', '3', '4', '-1'],
  ['RPUSH', 'ids', '1', '2', '3', '4', '5'],
  ['MSET', 'w_1', '50', 'w_2', '10', 'w_3', '40', 'w_4', '-2', 'obj_1', 'one', 'obj_2', 'two', 'obj_4', 'four', 'obj_5->', 'arrow'],
  ['MSET', 'aw_1', 'pear', 'aw_2', 'Apple', 'aw_3', 'fig', 'aw_5', 'zz', 'nw_1', '1', 'nw_2', 'x'],
  ['HSET', 'h_1', 'price', '3.5', 'name', 'One'],
  ['HSET', 'h_2', 'price', '1', 'name', 'Two'],
  ['HSET', 'h_3', 'price', '7'],
  ['HSET', 'h_5', 'name', 'Five', 'price', '-1'],
  ['LPUSH', 'w_5', 'a list, not a string'],
  ['SET', 'str', 'v'],
  ['HSET', 'hh', 'f', 'v'],
  ['RPUSH', 'edge1', '1e400'],
  ['RPUSH', 'edge2', '1e-400'],
  ['RPUSH', 'edge3', 'inf', '-inf', '0'],
  ['RPUSH', 'edge4', 'nan'],
  ['RPUSH', 'edge5', '5 '],
  ['RPUSH', 'edge6', '1e', '2'],
  ['RPUSH', 'edge7', '-infinity', '0x1P3', '4.9e-324'],
];

async function send(conn: Conn, argv: readonly Arg[]): Promise<RespValue> {
  return (await conn.c.call(...argv)).value;
}

/** The same reply from both servers on RESP2 and RESP3 (as a multiset when `unordered`). */
async function same(argv: readonly Arg[], unordered = false): Promise<void> {
  for (let i = 0; i < 2; i++) {
    const [a, b] = await Promise.all([ours[i]!.c.call(...argv), theirs[i]!.c.call(...argv)]);
    const label = { argv: argv.map((x) => JSON.stringify(String(x))).join(' '), proto: ours[i]!.proto };
    if (unordered && a.value.t === 'array' && b.value.t === 'array') {
      const sorted = (v: RespValue): string[] => itemsOf(v).map((x) => JSON.stringify(x)).sort();
      expect({ ...label, reply: sorted(a.value) }).toEqual({ ...label, reply: sorted(b.value) });
    } else {
      expect(a.raw, JSON.stringify(label)).toBe(b.raw);
    }
  }
}

beforeEach(async () => {
  for (const c of [ours[0]!, theirs[0]!]) {
    await send(c, ['FLUSHALL']);
    for (const cmd of SETUP) await send(c, cmd);
  }
});

describe('SORT against redis-server 7.0', () => {
  const cases: Arg[][] = [
    // Numeric sorts: strtod's grammar, ties broken by the elements' bytes.
    ['SORT', 'nums'],
    ['SORT', 'nums', 'DESC'],
    ['SORT', 'nums', 'ASC', 'DESC', 'ASC'],
    ['SORT', 'dups'],
    ['SORT', 'dups', 'DESC'],
    ['SORT', 'iset'],
    ['SORT', 'hset'],
    ['SORT', 'hset', 'DESC'],
    ['SORT', 'znum'],
    ['SORT', 'ids', 'desc'],
    ['SORT', 'edge3'],
    ['SORT', 'edge7'],
    // LIMIT normalization.
    ['SORT', 'nums', 'LIMIT', '1', '3'],
    ['SORT', 'nums', 'LIMIT', '-1', '2'],
    ['SORT', 'nums', 'LIMIT', '2', '-1'],
    ['SORT', 'nums', 'LIMIT', '2', '-7'],
    ['SORT', 'nums', 'LIMIT', '100', '5'],
    ['SORT', 'nums', 'LIMIT', '0', '0'],
    ['SORT', 'nums', 'LIMIT', '14', '1'],
    ['SORT', 'nums', 'LIMIT', '0', '9223372036854775807'],
    ['SORT', 'nums', 'LIMIT', '-9223372036854775808', '3', 'DESC'],
    ['SORT', 'nums', 'LIMIT', '0', '1', 'LIMIT', '3', '2'],
    // ALPHA.
    ['SORT', 'words', 'ALPHA'],
    ['SORT', 'words', 'ALPHA', 'DESC'],
    ['SORT', 'words', 'ALPHA', 'DESC', 'LIMIT', '1', '2'],
    ['SORT', 'wset', 'ALPHA'],
    ['SORT', 'z', 'ALPHA'],
    ['SORT', 'z', 'ALPHA', 'DESC', 'LIMIT', '1', '10'],
    ['SORT', 'nums', 'ALPHA'],
    // BY nosort: native order for lists and sorted sets, LIMIT and DESC applied to it.
    ['SORT', 'z', 'BY', 'nosort'],
    ['SORT', 'z', 'BY', 'nosort', 'DESC'],
    ['SORT', 'z', 'BY', 'nosort', 'LIMIT', '1', '2'],
    ['SORT', 'z', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '3'],
    ['SORT', 'z', 'BY', 'nosort', 'DESC', 'LIMIT', '4', '3'],
    ['SORT', 'znum', 'BY', 'nosort', 'GET', '#', 'GET', 'w_*'],
    ['SORT', 'nums', 'BY', 'nosort'],
    ['SORT', 'nums', 'BY', 'nosort', 'DESC'],
    ['SORT', 'nums', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '2'],
    ['SORT', 'nums', 'BY', 'nosort', 'LIMIT', '3', '100'],
    ['SORT', 'nums', 'BY', 'nosort', 'LIMIT', '30', '100'],
    ['SORT', 'bad', 'BY', 'nosort'],
    ['SORT', 'iset', 'BY', 'nosort'],
    ['SORT', 'iset', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '2'],
    ['SORT', 'ids', 'BY', 'w_', 'GET', 'obj_*'],
    // BY patterns: strings, hash fields, missing keys (score 0), wrong types.
    ['SORT', 'ids', 'BY', 'w_*'],
    ['SORT', 'ids', 'BY', 'w_*', 'DESC'],
    ['SORT', 'ids', 'BY', 'w_*', 'LIMIT', '1', '2'],
    ['SORT', 'ids', 'BY', 'w_*', 'GET', 'obj_*'],
    ['SORT', 'ids', 'BY', 'w_*', 'GET', '#', 'GET', 'obj_*', 'GET', 'h_*->name'],
    ['SORT', 'ids', 'BY', 'h_*->price'],
    ['SORT', 'ids', 'BY', 'h_*->price', 'DESC', 'GET', 'h_*->price'],
    ['SORT', 'ids', 'BY', 'h_*->nosuch'],
    ['SORT', 'ids', 'BY', 'missing_*'],
    ['SORT', 'ids', 'BY', 'missing_*', 'DESC'],
    ['SORT', 'ids', 'BY', 'aw_*', 'ALPHA'],
    ['SORT', 'ids', 'BY', 'aw_*', 'ALPHA', 'DESC'],
    ['SORT', 'ids', 'BY', 'aw_*', 'ALPHA', 'LIMIT', '1', '3'],
    ['SORT', 'ids', 'BY', 'aw_*'],
    ['SORT', 'ids', 'BY', 'nw_*'],
    ['SORT', 'ids', 'BY', 'h_*->name', 'ALPHA'],
    ['SORT', 'iset', 'BY', 'w_*'],
    ['SORT', 'hset', 'BY', '*'],
    ['SORT', 'znum', 'BY', 'w_*->x'],
    ['SORT', 'znum', 'BY', 'w_*->'],
    // GET patterns: '#', no '*', '->' at the end, several.
    ['SORT', 'ids', 'GET', '#'],
    ['SORT', 'ids', 'GET', 'nosuch'],
    ['SORT', 'ids', 'GET', 'obj_*->'],
    ['SORT', 'ids', 'GET', 'obj_*', 'GET', 'w_*', 'DESC', 'LIMIT', '0', '3'],
    ['SORT', 'ids', 'GET', 'h_*->price', 'GET', 'h_*->name'],
    ['SORT', 'ids', 'GET', 'hh'],
    ['SORT', 'z', 'GET', '*'],
    ['SORT', 'z', 'ALPHA', 'GET', '#', 'GET', '*'],
    // Missing keys and errors.
    ['SORT', 'missing'],
    ['SORT', 'missing', 'BY', 'nosort', 'DESC', 'LIMIT', '0', '5', 'GET', '#'],
    ['SORT', 'str'],
    ['SORT', 'hh', 'BY', 'nosort'],
    ['SORT', 'bad'],
    ['SORT', 'words'],
    ['SORT', 'edge1'],
    ['SORT', 'edge2'],
    ['SORT', 'edge4'],
    ['SORT', 'edge5'],
    ['SORT', 'edge6'],
    ['SORT', 'ids', 'BY', 'aw_*', 'GET', '#'],
    ['SORT', 'nums', 'LIMIT', 'a', '1'],
    ['SORT', 'nums', 'LIMIT', '1', '1.5'],
    ['SORT', 'nums', 'LIMIT', '1'],
    ['SORT', 'nums', 'FOO'],
    ['SORT', 'nums', 'BY'],
    ['SORT', 'nums', 'GET'],
    ['SORT', 'nums', 'STORE'],
    ['SORT', 'str', 'LIMIT', 'x', '1'],
    ['SORT', 'str', 'FOO'],
    ['SORT'],
  ];
  for (const argv of cases) {
    it(argv.map((a) => JSON.stringify(String(a))).join(' '), async () => {
      await same(argv);
      await same(['SORT_RO', ...argv.slice(1)]);
    });
  }

  it('a set in its native order (BY nosort) is unordered', async () => {
    await same(['SORT', 'hset', 'BY', 'nosort'], true);
    await same(['SORT', 'wset', 'BY', 'nosort', 'GET', '#'], true);
    await same(['SORT_RO', 'hset', 'BY', 'nosort'], true);
  });

  it('STORE writes a list, replacing the destination and its expiry', async () => {
    for (const c of [ours[0]!, theirs[0]!]) await send(c, ['SET', 'dst', 'old', 'EX', '100']);
    await same(['SORT', 'nums', 'STORE', 'dst']);
    await same(['LRANGE', 'dst', '0', '-1']);
    await same(['TYPE', 'dst']);
    await same(['TTL', 'dst']);
    await same(['SORT', 'ids', 'BY', 'w_*', 'GET', 'obj_*', 'GET', '#', 'STORE', 'dst', 'LIMIT', '1', '10']);
    await same(['LRANGE', 'dst', '0', '-1']);
    await same(['SORT', 'words', 'ALPHA', 'STORE', 'dst', 'DESC']);
    await same(['LRANGE', 'dst', '0', '-1']);
    await same(['SORT', 'ids', 'BY', 'aw_*', 'ALPHA', 'STORE', 'dst']);
    await same(['LRANGE', 'dst', '0', '-1']);
    await same(['SORT', 'z', 'BY', 'nosort', 'DESC', 'STORE', 'dst']);
    await same(['LRANGE', 'dst', '0', '-1']);
    // A set sorted without sorting is stored in ALPHA order.
    await same(['SORT', 'hset', 'BY', 'nosort', 'STORE', 'dst']);
    await same(['LRANGE', 'dst', '0', '-1']);
    await same(['SORT', 'wset', 'BY', 'nosort', 'STORE', 'dst', 'DESC', 'LIMIT', '1', '2']);
    await same(['LRANGE', 'dst', '0', '-1']);
    await same(['SORT', 'ids', 'STORE', 'ids']);
    await same(['LRANGE', 'ids', '0', '-1']);
    await same(['SORT', 'nums', 'STORE', 'a', 'STORE', 'b']);
    await same(['EXISTS', 'a', 'b']);
  });

  it('STORE of an empty result deletes the destination; errors leave it alone', async () => {
    for (const c of [ours[0]!, theirs[0]!]) await send(c, ['SET', 'dst', 'old']);
    await same(['SORT', 'bad', 'STORE', 'dst']);
    await same(['GET', 'dst']);
    await same(['SORT', 'str', 'STORE', 'dst']);
    await same(['GET', 'dst']);
    await same(['SORT', 'nums', 'LIMIT', '0', '0', 'STORE', 'dst']);
    await same(['EXISTS', 'dst']);
    await same(['SORT', 'missing', 'STORE', 'dst']);
    await same(['SORT', 'missing', 'STORE', 'dst']);
  });

  it('SORT_RO refuses STORE', async () => {
    await same(['SORT_RO', 'nums', 'STORE', 'dst']);
    await same(['SORT_RO', 'missing', 'STORE', 'dst']);
    await same(['EXISTS', 'dst']);
  });

  it('SORT converts a listpack sorted set to a skiplist', async () => {
    await same(['OBJECT', 'ENCODING', 'z']);
    await same(['SORT', 'z', 'BY', 'nosort', 'LIMIT', '0', '1']);
    await same(['OBJECT', 'ENCODING', 'z']);
  });

  it('COMMAND GETKEYS finds the sorted key and the last STORE key', async () => {
    await same(['COMMAND', 'GETKEYS', 'SORT', 'k']);
    await same(['COMMAND', 'GETKEYS', 'SORT', 'k', 'STORE', 'd']);
    await same(['COMMAND', 'GETKEYS', 'SORT', 'k', 'LIMIT', '0', '1', 'GET', 'x', 'STORE', 'd', 'BY', 'store', 'STORE', 'e']);
    await same(['COMMAND', 'GETKEYS', 'SORT', 'k', 'STORE']);
    await same(['COMMAND', 'GETKEYSANDFLAGS', 'SORT', 'k', 'store', 'd']);
    await same(['COMMAND', 'GETKEYS', 'SORT_RO', 'k']);
    await same(['COMMAND', 'GETKEYSANDFLAGS', 'SORT_RO', 'k', 'STORE', 'd']);
    await same(['COMMAND', 'INFO', 'sort', 'sort_ro']);
    await same(['COMMAND', 'DOCS', 'sort_ro']);
  });
});

describe('SORT on random collections against redis-server 7.0', () => {
  const NUMBERS = ['0', '1', '1.0', '01', '-1', '2', '10', '-0', '3.25', '1e2', '100', '-7', '42', ' 5', '0x1A', '.5', '9007199254740993', '1e-3'];
  const WORDS = ['a', 'b', 'A', 'ab', 'abc', 'B', 'zz', '', 'x y', '0', '10', '9', 'é', 'a\u0000c'];
  for (let seed = 1; seed <= 100; seed++) {
    it(`seed ${seed}`, async () => {
      const rng = seededRng(seed);
      const numeric = rng.int(2) === 0;
      const type = pick(rng, ['list', 'set', 'zset'] as const);
      // "a" and "a\0c" tie under strcoll: only a list defines which comes first.
      const pool = numeric ? NUMBERS : type === 'list' ? WORDS : WORDS.filter((w) => !w.includes('\u0000'));
      const n = 1 + rng.int(type === 'list' ? 150 : pool.length);
      const elements: string[] = [];
      for (let i = 0; i < n; i++) elements.push(type === 'list' ? pick(rng, pool) : pool[i % pool.length]!);
      const setup: Arg[][] = [['DEL', 'src']];
      if (type === 'list') setup.push(['RPUSH', 'src', ...elements]);
      else if (type === 'set') setup.push(['SADD', 'src', ...elements]);
      else setup.push(['ZADD', 'src', ...elements.flatMap((e, i) => [String(rng.int(5) - 2 + i * 0), e])]);
      // Unique weights (no ALPHA ties, whose order Redis leaves to its qsort) for most elements.
      const distinct = [...new Set(elements)];
      const weights = distinct.map((_, i) => String(i * 7 - 20));
      for (let i = weights.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [weights[i], weights[j]] = [weights[j]!, weights[i]!];
      }
      distinct.forEach((e, i) => {
        if (rng.int(6) > 0) setup.push(['SET', `w_${e}`, weights[i]!]);
        if (rng.int(3) > 0) setup.push(['HSET', `h_${e}`, 'f', `v${weights[i]}`]);
      });
      for (const c of [ours[0]!, theirs[0]!]) for (const cmd of setup) await send(c, cmd);
      for (let q = 0; q < 12; q++) {
        const argv: Arg[] = [pick(rng, ['SORT', 'SORT_RO']), 'src'];
        const by = rng.int(4);
        if (by === 1) argv.push('BY', 'w_*');
        if (by === 2) argv.push('BY', 'nosort');
        if (by === 3) argv.push('BY', 'h_*->f');
        // ALPHA by a pattern ties every element whose key is missing: lists only, where the
        // elements start in a defined order.
        const alpha = rng.int(2) === 0 && !(by !== 0 && by !== 2 && type !== 'list');
        if (alpha) argv.push('ALPHA');
        if (rng.int(2) === 0) argv.push('DESC');
        // LIMIT on a set in its native order picks elements Redis's hash table decides.
        const limit = [String(rng.int(n + 2) - 1), String(rng.int(n + 2) - 1)];
        if (rng.int(2) === 0 && !(type === 'set' && by === 2)) argv.push('LIMIT', ...limit);
        if (rng.int(3) === 0) argv.push('GET', '#', 'GET', pick(rng, ['w_*', 'h_*->f', 'nosuch']));
        await same(argv, type === 'set' && by === 2);
      }
    });
  }
});
