// Sends the same seeded random sequences of set commands (mixed with DEL, EXPIRE, TYPE, RENAME,
// COPY, SET for WRONGTYPE cases) to pikiraft and redis-server 7.0, over RESP2 and RESP3, and
// compares every reply, errors included.
//
// Where Redis leaves the order unspecified (SMEMBERS, SINTER, SUNION, SDIFF of hashtable sets)
// members are sorted before comparing; SSCAN is compared by iterating to cursor 0. SPOP and
// SRANDMEMBER pick members with each server's own RNG, so only their shape is compared (reply
// type, length, members drawn from the set, distinct where required); after an SPOP the
// reference is brought to pikiraft's state so the sequences go on from identical data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerHandle } from '../helpers/server.js';
import { startRedis, type RedisHandle } from '../helpers/redis-server.js';
import { pick } from '../helpers/differential.js';
import { itemsOf, RespClient, type RespValue } from '../helpers/resp-client.js';
import { seededRng, type Rng } from '../../src/util/rng.js';

const KEYS = ['s1', 's2', 's3', 'str'];
/** Integers (intset members, including int64 limits) and non-integers that look like them. */
const MEMBERS = ['1', '2', '10', '-3', '0', '9223372036854775807', '-9223372036854775808', '007', '-0', '+1', '1.5', '', 'a', 'b', 'hello', 'x y'];
/** A wider space for bulk adds, so sets outgrow one SSCAN page. */
const MANY = [...Array.from({ length: 40 }, (_, i) => String(i * 7 - 50)), ...Array.from({ length: 30 }, (_, i) => `m${i}`)];

function randomCommand(rng: Rng): string[] {
  const k = (): string => pick(rng, KEYS);
  const m = (): string => pick(rng, MEMBERS);
  const ms = (n: number): string[] => Array.from({ length: 1 + rng.int(n) }, m);
  const ks = (n: number): string[] => Array.from({ length: 1 + rng.int(n) }, k);
  const gens: (() => string[])[] = [
    () => ['SADD', k(), ...ms(4)],
    () => ['SADD', k(), ...ms(4)],
    () => ['SADD', k(), ...Array.from({ length: 5 + rng.int(30) }, () => pick(rng, MANY))],
    () => ['SREM', k(), ...ms(4)],
    () => ['SCARD', k()],
    () => ['SISMEMBER', k(), m()],
    () => ['SMISMEMBER', k(), ...ms(4)],
    () => ['SMEMBERS', k()],
    () => ['SPOP', k()],
    () => ['SPOP', k(), pick(rng, ['0', '1', '2', '5', '100', '-1', 'x', '9223372036854775807'])],
    () => ['SPOP', k(), '1', '2'],
    () => ['SRANDMEMBER', k()],
    () => ['SRANDMEMBER', k(), pick(rng, ['0', '1', '2', '5', '100', '-1', '-5', '-30', 'x', '-9223372036854775808'])],
    () => ['SRANDMEMBER', k(), '1', '2'],
    () => ['SMOVE', k(), k(), m()],
    () => ['SMOVE', k(), k(), m()],
    () => ['SINTER', ...ks(3)],
    () => ['SINTER', k(), 'missing'],
    () => ['SINTERCARD', ...pick(rng, [['1'], ['2'], ['3'], ['0'], ['-1'], ['x'], ['4']]), ...ks(3), ...pick(rng, [[], [], ['LIMIT', '1'], ['LIMIT', '0'], ['limit', '3'], ['LIMIT', '-1'], ['LIMIT'], ['FOO', '1'], ['LIMIT', 'x']])],
    () => ['SINTERSTORE', k(), ...ks(3)],
    () => ['SUNION', ...ks(3)],
    () => ['SUNION', 'missing', k()],
    () => ['SUNIONSTORE', k(), ...ks(3)],
    () => ['SDIFF', ...ks(3)],
    () => ['SDIFF', 'missing', k()],
    () => ['SDIFFSTORE', k(), ...ks(3)],
    () => ['SSCAN', k(), pick(rng, ['0', '0', 'x', '-1', '18446744073709551616']), ...pick(rng, [[], ['COUNT', '3'], ['COUNT', '1'], ['MATCH', '*1*'], ['MATCH', 'm*', 'COUNT', '4'], ['COUNT', '0'], ['TYPE', 'set'], ['FOO'], ['COUNT', 'x'], ['MATCH']])],
    () => ['DEL', k()],
    () => ['EXISTS', k(), k()],
    () => ['TYPE', k()],
    () => ['EXPIRE', k(), pick(rng, ['1000', '0', '-1'])],
    () => ['TTL', k()],
    () => ['PERSIST', k()],
    () => ['RENAME', k(), k()],
    () => ['COPY', k(), k(), ...pick(rng, [[], ['REPLACE']])],
    () => ['SET', 'str', 'v'],
    () => ['GET', k()],
  ];
  // Overwriting any key with a string and FLUSHDB are rare, so sets build up.
  const rare: (() => string[])[] = [() => ['SET', k(), 'v'], () => ['FLUSHDB']];
  const i = rng.int(gens.length * 10);
  return i < rare.length ? rare[i]!() : gens[i % gens.length]!();
}

const SORTED = new Set(['SMEMBERS', 'SINTER', 'SUNION', 'SDIFF']);

/** The reply with members sorted where Redis leaves their order unspecified, and TTLs as a class. */
function normalize(name: string, v: RespValue): RespValue | string {
  if (SORTED.has(name) && (v.t === 'array' || v.t === 'set')) return { t: v.t, items: sortValues(v.items) };
  if (name === 'TTL' && v.t === 'int' && v.n >= 0n) return 'positive';
  return v;
}

function sortValues(items: readonly RespValue[]): RespValue[] {
  return [...items].sort((a, b) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0));
}

function text(v: RespValue): string {
  if (v.t === 'bulk' || v.t === 'simple') return v.s;
  throw new Error(`expected a string, got ${JSON.stringify(v)}`);
}

interface Side {
  readonly c: Record<2 | 3, RespClient>;
}

describe('differential: sets against redis-server 7.0', () => {
  let server: ServerHandle;
  let redis: RedisHandle;
  let ours: Side;
  let theirs: Side;

  const connect = async (port: number): Promise<Side> => {
    const c2 = await RespClient.connect(port);
    const c3 = await RespClient.connect(port);
    await c3.call('HELLO', '3');
    return { c: { 2: c2, 3: c3 } };
  };

  beforeAll(async () => {
    [server, redis] = await Promise.all([startServer(), startRedis()]);
    [ours, theirs] = await Promise.all([connect(server.port), connect(redis.port)]);
  });

  afterAll(async () => {
    for (const side of [ours, theirs]) for (const c of Object.values(side?.c ?? {})) c.close();
    await Promise.all([server?.cleanup(), redis?.stop()]);
  });

  const both = async (proto: 2 | 3, argv: readonly string[]): Promise<[RespValue, RespValue]> => {
    const [a, b] = await Promise.all([ours.c[proto].call(...argv), theirs.c[proto].call(...argv)]);
    return [a.value, b.value];
  };

  /** The members of `key` on the reference, or null when it is not a set. */
  const membersOf = async (key: string): Promise<string[] | null> => {
    const v = (await theirs.c[2].call('SMEMBERS', key)).value;
    return v.t === 'array' ? itemsOf(v).map(text).sort() : null;
  };

  /**
   * Every member SSCAN returns from cursor 0 until it says 0 again (or the first reply if it is an
   * error). A scan started from another valid cursor is only checked for being a page: Redis reads
   * it as a hash-table position, pikiraft as an unknown cursor id, which restarts the scan.
   */
  const scanAll = async (client: RespClient, argv: readonly string[]): Promise<RespValue | string[] | 'page'> => {
    const seen = new Set<string>();
    let cursor = argv[2]!;
    if (cursor !== '0') {
      const reply = (await client.call(...argv)).value;
      return reply.t === 'array' ? 'page' : reply;
    }
    for (let calls = 0; calls < 1000; calls++) {
      const reply = (await client.call(argv[0]!, argv[1]!, cursor, ...argv.slice(3))).value;
      if (reply.t !== 'array') return reply;
      const [next, page] = itemsOf(reply);
      for (const member of itemsOf(page!)) seen.add(text(member));
      cursor = text(next!);
      if (cursor === '0') return [...seen].sort();
    }
    throw new Error(`SSCAN did not finish: ${argv.join(' ')}`);
  };

  /** SRANDMEMBER: the same reply shape, members drawn from the set, distinct for a positive count. */
  const checkSrandmember = async (proto: 2 | 3, argv: readonly string[], where: object): Promise<void> => {
    const pre = await membersOf(argv[1]!);
    const [a, b] = await both(proto, argv);
    const shape = (v: RespValue): unknown => {
      if (v.t === 'bulk') return { t: 'bulk', member: pre?.includes(v.s) };
      if (v.t !== 'array') return v;
      const ms = v.items.map(text);
      const count = Number(argv[2]);
      return {
        t: v.t,
        length: ms.length,
        fromSet: ms.every((x) => pre?.includes(x)),
        distinct: count < 0 || new Set(ms).size === ms.length,
        // Asking for at least the whole set returns the whole set.
        whole: count >= (pre?.length ?? 0) ? [...ms].sort() : null,
      };
    };
    expect({ ...where, reply: shape(a) }).toEqual({ ...where, reply: shape(b) });
  };

  /** SPOP: the same shape; then the reference gets pikiraft's members back so both hold the same set. */
  const checkSpop = async (proto: 2 | 3, argv: readonly string[], where: object): Promise<void> => {
    const key = argv[1]!;
    const pre = await membersOf(key);
    const [a, b] = await both(proto, argv);
    const popped = (v: RespValue): string[] | null => (v.t === 'bulk' ? [v.s] : v.t === 'array' || v.t === 'set' ? v.items.map(text) : null);
    const shape = (v: RespValue): unknown => {
      const ms = popped(v);
      if (ms === null) return v;
      return { t: v.t, length: ms.length, fromSet: ms.every((x) => pre?.includes(x)), distinct: new Set(ms).size === ms.length };
    };
    expect({ ...where, reply: shape(a) }).toEqual({ ...where, reply: shape(b) });
    const mine = popped(a);
    const ref = popped(b);
    if (mine === null || ref === null || mine.length === 0 || ref.length >= (pre?.length ?? 0)) return;
    // Both keep a set of the same size: swap the reference's picks for ours.
    await theirs.c[2].call('SADD', key, ...ref);
    await theirs.c[2].call('SREM', key, ...mine);
  };

  /** Every key's type, members, size and expiry class on both servers. */
  const compareState = async (where: object): Promise<void> => {
    for (const key of KEYS) {
      for (const cmd of [['TYPE', key], ['SMEMBERS', key], ['SCARD', key], ['TTL', key]]) {
        const [a, b] = await both(2, cmd);
        expect({ ...where, state: cmd, reply: normalize(cmd[0]!, a) }).toEqual({ ...where, state: cmd, reply: normalize(cmd[0]!, b) });
      }
    }
  };

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) {
    it(`seed ${seed}: 600 commands give the same replies`, async () => {
      await both(2, ['FLUSHALL']);
      const rng = seededRng(seed);
      for (let step = 0; step < 600; step++) {
        const argv = randomCommand(rng);
        const proto = rng.int(2) === 0 ? 2 : 3;
        const name = argv[0]!;
        const where = { step, proto, argv };
        if (name === 'SPOP') await checkSpop(proto, argv, where);
        else if (name === 'SRANDMEMBER' && argv.length <= 3) await checkSrandmember(proto, argv, where);
        else if (name === 'SSCAN') {
          const [a, b] = await Promise.all([scanAll(ours.c[proto], argv), scanAll(theirs.c[proto], argv)]);
          expect({ ...where, reply: a }).toEqual({ ...where, reply: b });
        } else {
          const [a, b] = await both(proto, argv);
          expect({ ...where, reply: normalize(name, a) }).toEqual({ ...where, reply: normalize(name, b) });
        }
        if (step % 50 === 49) await compareState(where);
      }
      await compareState({ step: 'end' });
    });
  }

  it('large sets: past 512 integers, paged SSCAN, set algebra and random picks over thousands of members', async () => {
    await both(2, ['FLUSHALL']);
    const ints = Array.from({ length: 1500 }, (_, i) => String(i * 3 - 700));
    const words = Array.from({ length: 1200 }, (_, i) => `w${(i * 7919) % 5000}`);
    for (let i = 0; i < ints.length; i += 100) await both(2, ['SADD', 'big', ...ints.slice(i, i + 100)]);
    for (let i = 0; i < words.length; i += 100) await both(2, ['SADD', 'mixed', ...words.slice(i, i + 100), ...ints.slice(i, i + 50)]);
    await both(2, ['SADD', 'small', ...ints.slice(0, 300)]);
    const cmds: string[][] = [
      ['SCARD', 'big'],
      ['SCARD', 'mixed'],
      ['SMEMBERS', 'big'],
      ['SINTER', 'big', 'mixed'],
      ['SINTERCARD', '2', 'big', 'mixed'],
      ['SINTERCARD', '2', 'big', 'mixed', 'LIMIT', '77'],
      ['SUNION', 'big', 'mixed', 'small'],
      ['SDIFF', 'big', 'small'],
      ['SDIFF', 'mixed', 'big', 'small'],
      ['SINTERSTORE', 'd1', 'big', 'mixed'],
      ['SUNIONSTORE', 'd2', 'big', 'mixed'],
      ['SDIFFSTORE', 'd3', 'big', 'small'],
      ['SMEMBERS', 'd1'],
      ['SMEMBERS', 'd2'],
      ['SMEMBERS', 'd3'],
      ['SMISMEMBER', 'big', '-700', '-699', '3797', 'w0'],
      ['SREM', 'big', ...ints.slice(0, 1000)],
      ['SCARD', 'big'],
      ['SMEMBERS', 'big'],
    ];
    for (const argv of cmds) {
      for (const proto of [2, 3] as const) {
        const [a, b] = await both(proto, argv);
        expect({ argv, proto, reply: normalize(argv[0]!, a) }).toEqual({ argv, proto, reply: normalize(argv[0]!, b) });
      }
    }
    for (const argv of [['SSCAN', 'mixed', '0'], ['SSCAN', 'mixed', '0', 'COUNT', '100'], ['SSCAN', 'mixed', '0', 'MATCH', 'w1*'], ['SSCAN', 'small', '0', 'COUNT', '5']]) {
      const [a, b] = await Promise.all([scanAll(ours.c[2], argv), scanAll(theirs.c[2], argv)]);
      expect({ argv, reply: a }).toEqual({ argv, reply: b });
    }
    for (const argv of [['SRANDMEMBER', 'mixed', '10'], ['SRANDMEMBER', 'mixed', '-50'], ['SRANDMEMBER', 'mixed', '2000'], ['SRANDMEMBER', 'mixed', '5000'], ['SRANDMEMBER', 'mixed']]) {
      await checkSrandmember(3, argv, { argv });
    }
    // SPOP: few of many (sampled), most of the set (Redis rebuilds the rest), then all that is left.
    for (const argv of [['SPOP', 'mixed', '20'], ['SPOP', 'mixed', '1700'], ['SPOP', 'mixed'], ['SPOP', 'mixed', '5000']]) {
      await checkSpop(3, argv, { argv });
      const [a, b] = await both(2, ['SCARD', 'mixed']);
      expect({ argv, scard: a }).toEqual({ argv, scard: b });
    }
    const [a, b] = await both(2, ['EXISTS', 'mixed']);
    expect(a).toEqual(b);
  });
});
