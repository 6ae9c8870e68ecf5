// Random sequences of set commands (fast-check, shrinking to a minimal failing sequence) run
// against a real pikiraft-server process and an in-memory model: a map from key to a set of
// members or a string. Every reply must equal the model's, and the model follows what SPOP
// actually popped, so later commands check it was really removed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startServer, type ServerHandle } from '../helpers/server.js';
import { RespClient, type RespValue } from '../helpers/resp-client.js';

const KEYS = ['a', 'b', 'c', 'str'] as const;
const MEMBERS = ['x', 'y', 'z', '1', '2', '-3', '007', ''] as const;
const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

type Value = Set<string> | { readonly string: string };
type Model = Map<string, Value>;

type Op =
  | { readonly op: 'SADD' | 'SREM' | 'SMISMEMBER'; readonly key: string; readonly members: readonly string[] }
  | { readonly op: 'SCARD' | 'SMEMBERS' | 'DEL' | 'TYPE'; readonly key: string }
  | { readonly op: 'SISMEMBER'; readonly key: string; readonly member: string }
  | { readonly op: 'SPOP' | 'SRANDMEMBER'; readonly key: string; readonly count: number | null }
  | { readonly op: 'SMOVE'; readonly src: string; readonly dst: string; readonly member: string }
  | { readonly op: 'SINTER' | 'SUNION' | 'SDIFF'; readonly keys: readonly string[] }
  | { readonly op: 'SINTERSTORE' | 'SUNIONSTORE' | 'SDIFFSTORE'; readonly dst: string; readonly keys: readonly string[] }
  | { readonly op: 'SINTERCARD'; readonly keys: readonly string[]; readonly limit: number }
  | { readonly op: 'SSCAN'; readonly key: string; readonly count: number; readonly match: string | null }
  | { readonly op: 'SET'; readonly key: string; readonly value: string }
  | { readonly op: 'RENAME' | 'COPY'; readonly src: string; readonly dst: string };

const key = fc.constantFrom(...KEYS);
const member = fc.constantFrom(...MEMBERS);
const members = fc.array(member, { minLength: 1, maxLength: 5 });
const keys = fc.array(key, { minLength: 1, maxLength: 3 });

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('SADD' as const), key, members }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('SREM' as const), key, members }) },
  fc.record({ op: fc.constant('SMISMEMBER' as const), key, members }),
  fc.record({ op: fc.constantFrom('SCARD' as const, 'SMEMBERS' as const, 'DEL' as const, 'TYPE' as const), key }),
  fc.record({ op: fc.constant('SISMEMBER' as const), key, member }),
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('SPOP' as const, 'SRANDMEMBER' as const), key, count: fc.option(fc.integer({ min: -6, max: 10 })) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('SMOVE' as const), src: key, dst: key, member }) },
  fc.record({ op: fc.constantFrom('SINTER' as const, 'SUNION' as const, 'SDIFF' as const), keys }),
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('SINTERSTORE' as const, 'SUNIONSTORE' as const, 'SDIFFSTORE' as const), dst: key, keys }) },
  fc.record({ op: fc.constant('SINTERCARD' as const), keys, limit: fc.nat(4) }),
  fc.record({ op: fc.constant('SSCAN' as const), key, count: fc.integer({ min: 1, max: 4 }), match: fc.option(fc.constantFrom('*', '?', '[xy]', '-*')) }),
  fc.record({ op: fc.constant('SET' as const), key, value: fc.constantFrom('v', '1') }),
  // Collections are re-versioned under the new key (keyspace.ts copyKey): the members must follow.
  fc.record({ op: fc.constantFrom('RENAME' as const, 'COPY' as const), src: key, dst: key }),
);

function argvOf(o: Op): string[] {
  switch (o.op) {
    case 'SADD':
    case 'SREM':
    case 'SMISMEMBER':
      return [o.op, o.key, ...o.members];
    case 'SCARD':
    case 'SMEMBERS':
    case 'DEL':
    case 'TYPE':
      return [o.op, o.key];
    case 'SISMEMBER':
      return [o.op, o.key, o.member];
    case 'SPOP':
    case 'SRANDMEMBER':
      return o.count === null ? [o.op, o.key] : [o.op, o.key, String(o.count)];
    case 'SMOVE':
      return [o.op, o.src, o.dst, o.member];
    case 'SINTER':
    case 'SUNION':
    case 'SDIFF':
      return [o.op, ...o.keys];
    case 'SINTERSTORE':
    case 'SUNIONSTORE':
    case 'SDIFFSTORE':
      return [o.op, o.dst, ...o.keys];
    case 'SINTERCARD':
      return [o.op, String(o.keys.length), ...o.keys, 'LIMIT', String(o.limit)];
    case 'SSCAN':
      return [o.op, o.key, '0', 'COUNT', String(o.count), ...(o.match === null ? [] : ['MATCH', o.match])];
    case 'SET':
      return [o.op, o.key, o.value];
    case 'RENAME':
    case 'COPY':
      return [o.op, o.src, o.dst];
  }
}

// ---- the model -----------------------------------------------------------------------------------

/** What a reply should be, in a form both sides are reduced to. */
type Expected = { int: number } | { error: string } | { null: true } | { set: string[] } | { array: string[] } | { ints: number[] } | { simple: string };

const wrong = { error: WRONGTYPE } as const;

/** The set at `key`, undefined when absent, 'wrong' when it holds a string. */
function setAt(model: Model, k: string): Set<string> | undefined | 'wrong' {
  const v = model.get(k);
  if (v === undefined) return undefined;
  return v instanceof Set ? v : 'wrong';
}

/** The sets at `keys` (empty for missing), or null when any holds a string. */
function setsAt(model: Model, ks: readonly string[]): (Set<string> | undefined)[] | null {
  const out: (Set<string> | undefined)[] = [];
  for (const k of ks) {
    const s = setAt(model, k);
    if (s === 'wrong') return null;
    out.push(s);
  }
  return out;
}

function algebra(op: 'SINTER' | 'SUNION' | 'SDIFF', sets: readonly (Set<string> | undefined)[]): Set<string> {
  if (op === 'SUNION') return new Set(sets.flatMap((s) => [...(s ?? [])]));
  if (op === 'SINTER') {
    if (sets.some((s) => s === undefined)) return new Set();
    return new Set([...sets[0]!].filter((m) => sets.every((s) => s!.has(m))));
  }
  return new Set([...(sets[0] ?? [])].filter((m) => sets.slice(1).every((s) => !s?.has(m))));
}

function store(model: Model, dst: string, result: Set<string>): void {
  if (result.size === 0) model.delete(dst);
  else model.set(dst, result);
}

const sorted = (xs: Iterable<string>): string[] => [...xs].sort();

/** The reply the model predicts for a deterministic command, updating the model. */
function expectAndApply(model: Model, o: Op): Expected {
  switch (o.op) {
    case 'SADD': {
      const s = setAt(model, o.key);
      if (s === 'wrong') return wrong;
      const next = s ?? new Set<string>();
      const before = next.size;
      for (const m of o.members) next.add(m);
      model.set(o.key, next);
      return { int: next.size - before };
    }
    case 'SREM': {
      const s = setAt(model, o.key);
      if (s === 'wrong') return wrong;
      if (s === undefined) return { int: 0 };
      let removed = 0;
      for (const m of o.members) if (s.delete(m)) removed++;
      if (s.size === 0) model.delete(o.key);
      return { int: removed };
    }
    case 'SMISMEMBER': {
      const s = setAt(model, o.key);
      if (s === 'wrong') return wrong;
      return { ints: o.members.map((m) => (s?.has(m) ? 1 : 0)) };
    }
    case 'SCARD': {
      const s = setAt(model, o.key);
      return s === 'wrong' ? wrong : { int: s?.size ?? 0 };
    }
    case 'SMEMBERS': {
      const s = setAt(model, o.key);
      return s === 'wrong' ? wrong : { set: sorted(s ?? []) };
    }
    case 'SISMEMBER': {
      const s = setAt(model, o.key);
      return s === 'wrong' ? wrong : { int: s?.has(o.member) ? 1 : 0 };
    }
    case 'DEL': {
      const had = model.delete(o.key);
      return { int: had ? 1 : 0 };
    }
    case 'TYPE': {
      const v = model.get(o.key);
      return { simple: v === undefined ? 'none' : v instanceof Set ? 'set' : 'string' };
    }
    case 'SMOVE': {
      const src = setAt(model, o.src);
      if (src === undefined) return { int: 0 };
      const dst = setAt(model, o.dst);
      if (src === 'wrong' || dst === 'wrong') return wrong;
      if (o.src === o.dst) return { int: src.has(o.member) ? 1 : 0 };
      if (!src.delete(o.member)) return { int: 0 };
      if (src.size === 0) model.delete(o.src);
      const next = dst ?? new Set<string>();
      next.add(o.member);
      model.set(o.dst, next);
      return { int: 1 };
    }
    case 'SINTER':
    case 'SUNION':
    case 'SDIFF': {
      const sets = setsAt(model, o.keys);
      return sets === null ? wrong : { set: sorted(algebra(o.op, sets)) };
    }
    case 'SINTERSTORE':
    case 'SUNIONSTORE':
    case 'SDIFFSTORE': {
      const sets = setsAt(model, o.keys);
      if (sets === null) return wrong;
      const result = algebra(o.op.slice(0, -5) as 'SINTER' | 'SUNION' | 'SDIFF', sets);
      store(model, o.dst, result);
      return { int: result.size };
    }
    case 'SINTERCARD': {
      const sets = setsAt(model, o.keys);
      if (sets === null) return wrong;
      const n = algebra('SINTER', sets).size;
      return { int: o.limit === 0 ? n : Math.min(n, o.limit) };
    }
    case 'SSCAN': {
      const s = setAt(model, o.key);
      if (s === 'wrong') return wrong;
      const re = o.match === null ? null : globToRegExp(o.match);
      return { array: sorted([...(s ?? [])].filter((m) => re === null || re.test(m))) };
    }
    case 'SET':
      model.set(o.key, { string: o.value });
      return { simple: 'OK' };
    case 'RENAME': {
      const v = model.get(o.src);
      if (v === undefined) return { error: 'ERR no such key' };
      model.delete(o.src);
      model.set(o.dst, v);
      return { simple: 'OK' };
    }
    case 'COPY': {
      if (o.src === o.dst) return { error: 'ERR source and destination objects are the same' };
      const v = model.get(o.src);
      if (v === undefined || model.has(o.dst)) return { int: 0 };
      model.set(o.dst, v instanceof Set ? new Set(v) : v);
      return { int: 1 };
    }
    case 'SPOP':
    case 'SRANDMEMBER':
      throw new Error(`${o.op} is random: checked by checkRandom`);
  }
}

/** The few glob forms the generator uses. */
function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|\\-]/g, (c) => `\\${c}`).replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}

function reduce(v: RespValue): Expected {
  switch (v.t) {
    case 'int':
      return { int: Number(v.n) };
    case 'error':
      return { error: v.s };
    case 'null':
      return { null: true };
    case 'simple':
      return { simple: v.s };
    case 'set':
      return { set: sorted(v.items.map(bulkText)) };
    case 'array':
      if (v.items.every((i) => i.t === 'int')) return v.items.length === 0 ? { array: [] } : { ints: v.items.map((i) => Number((i as { n: bigint }).n)) };
      return { array: sorted(v.items.map(bulkText)) };
    default:
      throw new Error(`unexpected reply ${JSON.stringify(v)}`);
  }
}

function bulkText(v: RespValue): string {
  if (v.t !== 'bulk') throw new Error(`expected a bulk string, got ${v.t}`);
  return v.s;
}

/** SPOP / SRANDMEMBER: the right number of members, from the set, distinct unless repetition is asked for. */
function checkRandom(model: Model, o: Extract<Op, { op: 'SPOP' | 'SRANDMEMBER' }>, reply: RespValue): void {
  // The count is parsed before the key is looked up.
  if (o.op === 'SPOP' && o.count !== null && o.count < 0) {
    expect(reply).toEqual({ t: 'error', s: 'ERR value is out of range, must be positive' });
    return;
  }
  const s = setAt(model, o.key);
  if (s === 'wrong') {
    expect(reply).toEqual({ t: 'error', s: WRONGTYPE });
    return;
  }
  const size = s?.size ?? 0;
  if (o.count === null) {
    if (size === 0) return void expect(reply).toEqual({ t: 'null' });
    expect(reply.t).toBe('bulk');
    const m = bulkText(reply);
    expect(s!.has(m)).toBe(true);
    if (o.op === 'SPOP') {
      s!.delete(m);
      if (s!.size === 0) model.delete(o.key);
    }
    return;
  }
  // RESP3: SPOP with a count answers a set, SRANDMEMBER an array (as redis-server 7.0 does).
  expect(reply.t).toBe(o.op === 'SPOP' ? 'set' : 'array');
  const got = (reply as { items: readonly RespValue[] }).items.map(bulkText);
  const repeats = o.op === 'SRANDMEMBER' && o.count < 0;
  expect(got.length).toBe(size === 0 ? 0 : repeats ? -o.count : Math.min(o.count, size));
  for (const m of got) expect(s!.has(m)).toBe(true);
  if (!repeats) expect(new Set(got).size).toBe(got.length);
  if (o.op === 'SPOP' && s !== undefined) {
    for (const m of got) s.delete(m);
    if (s.size === 0) model.delete(o.key);
  }
}

// ---- the property ----------------------------------------------------------------------------

describe('sets follow an in-memory model (fast-check, real server)', () => {
  let server: ServerHandle;
  let client: RespClient;

  beforeAll(async () => {
    server = await startServer();
    client = await RespClient.connect(server.port);
    await client.call('HELLO', '3');
  });

  afterAll(async () => {
    client?.close();
    await server?.cleanup();
  });

  /** Iterates SSCAN to cursor 0 (an error ends it), returning the members seen. */
  const scanAll = async (argv: readonly string[]): Promise<RespValue> => {
    const seen = new Set<string>();
    let cursor = '0';
    for (let calls = 0; calls < 100; calls++) {
      const reply = (await client.call(argv[0]!, argv[1]!, cursor, ...argv.slice(3))).value;
      if (reply.t !== 'array') return reply;
      const [next, page] = reply.items as [RespValue, RespValue];
      for (const m of (page as { items: readonly RespValue[] }).items) seen.add(bulkText(m));
      cursor = bulkText(next);
      if (cursor === '0') return { t: 'array', items: [...seen].map((s) => ({ t: 'bulk', s })) };
    }
    throw new Error('SSCAN did not finish');
  };

  it('every reply matches the model', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 50 }), async (ops) => {
        await client.call('FLUSHALL');
        const model: Model = new Map();
        for (const [step, o] of ops.entries()) {
          const argv = argvOf(o);
          const reply = o.op === 'SSCAN' ? await scanAll(argv) : (await client.call(...argv)).value;
          if (o.op === 'SPOP' || o.op === 'SRANDMEMBER') {
            checkRandom(model, o, reply);
            continue;
          }
          const expected = expectAndApply(model, o);
          expect({ step, argv, reply: reduce(reply) }).toEqual({ step, argv, reply: expected });
        }
        // Nothing else is left behind: every key the model has, and no other.
        const dbsize = (await client.call('DBSIZE')).value;
        expect(dbsize).toEqual({ t: 'int', n: BigInt(model.size) });
      }),
      { numRuns: 200 },
    );
  });
});
