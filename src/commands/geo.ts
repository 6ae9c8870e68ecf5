// Geo commands (Redis 7.0 geo.c): positions live in sorted sets whose scores are 52-bit
// interleaved geohashes (geo/geohash.ts), so GEOADD is ZADD with computed scores and every other
// sorted-set command works on a geo set.
//
// A search (GEOSEARCH, GEORADIUS, ...) scans the nine cells geo/geohash-helper.ts picks, each a
// score range of the set's score index (O(log N + M) per cell, never the whole set), keeps the
// points within the shape, and sorts by distance. Results come in Redis's scan order (cell by
// cell, each by score then member, as its listpack and skiplist keep them); ASC/DESC sort with
// glibc's stable merge sort, or with Redis's partial quicksort when COUNT cuts the result, so ties
// land where redis-server puts them.
//
// GEORADIUS and GEORADIUSBYMEMBER may STORE, so, as in Redis, they are write commands and always
// run inside apply (like SORT); their _RO variants and GEOSEARCH are reads, GEOSEARCHSTORE a write.
// The searches are not validated before proposing: Redis looks the key up before it parses the
// options (WRONGTYPE wins over a syntax error, a missing FROMMEMBER member over a later bad
// option), so only the execution itself knows which error comes first.
import { array, bulk, doubleText, EMPTY_ARRAY, int, NULL, NULL_ARRAY, ZERO, type Reply } from '../resp/reply.js';
import { doubleToLongDouble, formatFixed, formatLongDoubleHuman } from '../resp/double.js';
import type { Keyspace, MutableKeyspace } from '../state-machine/keyspace.js';
import { WRONGTYPE } from '../state-machine/types/collection.js';
import { openZSet, replaceZSet, scoreBounds, type ZEntry, type ZSetView } from '../state-machine/types/zset.js';
import { assert } from '../util/assert.js';
import { parseInt64 } from './args.js';
import type { ReadContext, WriteContext } from './context.js';
import { E } from './errors.js';
import { align52Bits, decodeScore, encodeWGS84, GEO_LAT_MAX, GEO_LAT_MIN, GEO_LONG_MAX, GEO_LONG_MIN, GEO_STEP_MAX, isZeroHash, standardGeohash, type HashBits } from './geo/geohash.js';
import { areasByShape, distance, distanceIfInRadius, distanceIfInRectangle, type GeoShape } from './geo/geohash-helper.js';
import { pqsort } from './sort.js';
import { fail, isParseError, readCommand, writeCommand, type Command, type CommandFlag, type KeyRange, type ParseResult } from './table.js';
import { parseScore, parseZadd, zadd, type ZaddArgs } from './zset.js';

const K1: KeyRange = { first: 1, last: 1, step: 1 };
const K12: KeyRange = { first: 1, last: 2, step: 1 };

/** strcasecmp(arg, word): Redis compares the C string, so bytes after a NUL are ignored. */
function is(arg: Buffer, word: string): boolean {
  const nul = arg.indexOf(0);
  const c = nul === -1 ? arg : arg.subarray(0, nul);
  return c.length === word.length && c.toString('latin1').toLowerCase() === word;
}

// ---- argument helpers (geo.c) ------------------------------------------------------------------

/** extractLongLatOrReply: two floats within what Redis can index. */
function extractLongLat(lon: Buffer, lat: Buffer): ParseResult<[number, number]> {
  const x = parseScore(lon);
  if (x === null) return fail(E.notFloat);
  const y = parseScore(lat);
  if (y === null) return fail(E.notFloat);
  if (x < GEO_LONG_MIN || x > GEO_LONG_MAX || y < GEO_LAT_MIN || y > GEO_LAT_MAX) {
    return fail(E.geoInvalidLonLat(formatFixed(x, 6), formatFixed(y, 6)));
  }
  return [x, y];
}

/** extractUnitOrReply: meters per unit. */
function extractUnit(arg: Buffer): ParseResult<number> {
  if (is(arg, 'm')) return 1;
  if (is(arg, 'km')) return 1000;
  if (is(arg, 'ft')) return 0.3048;
  if (is(arg, 'mi')) return 1609.34;
  return fail(E.geoUnsupportedUnit);
}

/** extractDistanceOrReply: a non-negative radius and its unit. */
function extractDistance(value: Buffer, unit: Buffer): ParseResult<{ radius: number; conversion: number }> {
  const radius = parseScore(value);
  if (radius === null) return fail(E.geoNeedNumeric('radius'));
  if (radius < 0) return fail(E.geoRadiusNegative);
  const conversion = extractUnit(unit);
  if (isParseError(conversion)) return conversion;
  return { radius, conversion };
}

/** extractBoxOrReply: a non-negative width and height and their unit. */
function extractBox(w: Buffer, h: Buffer, unit: Buffer): ParseResult<{ width: number; height: number; conversion: number }> {
  const width = parseScore(w);
  if (width === null) return fail(E.geoNeedNumeric('width'));
  const height = parseScore(h);
  if (height === null) return fail(E.geoNeedNumeric('height'));
  if (height < 0 || width < 0) return fail(E.geoBoxNegative);
  const conversion = extractUnit(unit);
  if (isParseError(conversion)) return conversion;
  return { width, height, conversion };
}

/** addReplyDoubleDistance: "%.4f". */
const distanceReply = (d: number): Reply => bulk(formatFixed(d, 4));

/** addReplyHumanLongDouble: "%.17Lf" without trailing zeros; a RESP3 double, a RESP2 bulk string. */
const coordinateReply = (v: number): Reply => doubleText(formatLongDoubleHuman(doubleToLongDouble(v)));

/** (long long)score, as x86-64 converts (out of range: INT64_MIN). */
function scoreAsInt64(score: number): bigint {
  return score >= -(2 ** 63) && score < 2 ** 63 ? BigInt(Math.trunc(score)) : -(2n ** 63n);
}

// ---- GEOADD ------------------------------------------------------------------------------------

/** geoaddCommand: options, then positions turned into scores; ZADD does the rest. */
function parseGeoadd(argv: readonly Buffer[]): ParseResult<ZaddArgs> {
  let xx = false;
  let nx = false;
  let longIdx = 2;
  for (; longIdx < argv.length; longIdx++) {
    const opt = argv[longIdx]!;
    if (is(opt, 'nx')) nx = true;
    else if (is(opt, 'xx')) xx = true;
    else if (!is(opt, 'ch')) break;
  }
  if ((argv.length - longIdx) % 3 !== 0 || (xx && nx)) return fail(E.syntax);
  const zaddArgv: Buffer[] = [Buffer.from('zadd'), ...argv.slice(1, longIdx)];
  for (let i = longIdx; i < argv.length; i += 3) {
    const xy = extractLongLat(argv[i]!, argv[i + 1]!);
    if (isParseError(xy)) return xy;
    const hash = encodeWGS84(xy[0], xy[1], GEO_STEP_MAX);
    assert(hash !== null, 'a validated position encodes');
    zaddArgv.push(Buffer.from(align52Bits(hash).toString()), argv[i + 2]!);
  }
  return parseZadd(zaddArgv, false);
}

// ---- searches ----------------------------------------------------------------------------------

/** georadiusGeneric's flags. */
const COORDS = 1;
const MEMBER = 2;
const NOSTORE = 4;
const SEARCH = 8;
const SEARCHSTORE = 16;

interface GeoPoint {
  readonly member: Buffer;
  readonly score: number;
  readonly longitude: number;
  readonly latitude: number;
  dist: number;
}

/** geoWithinShape: the point's distance from the centre (meters), or null when outside the shape. */
function withinShape(shape: GeoShape, xy: readonly [number, number]): number | null {
  if (shape.type === 'circle') return distanceIfInRadius(shape.xy[0], shape.xy[1], xy[0], xy[1], shape.radius * shape.conversion);
  return distanceIfInRectangle(shape.width * shape.conversion, shape.height * shape.conversion, shape.xy[0], shape.xy[1], xy[0], xy[1]);
}

/** Whether the ANY limit is reached (0: no limit). */
const full = (points: readonly GeoPoint[], limit: number): boolean => points.length > 0 && limit > 0 && points.length >= limit;

/** membersOfGeoHashBox / geoGetPointsInRange: the points of one cell, min <= score < max, in score order. */
async function membersOfBox(z: ZSetView, hash: HashBits, shape: GeoShape, points: GeoPoint[], limit: number): Promise<void> {
  const min = Number(align52Bits(hash));
  const max = Number(align52Bits({ bits: hash.bits + 1n, step: hash.step }));
  const { lower, upper } = scoreBounds(min, false, max, true);
  for await (const e of z.walk({ lower, upper })) {
    const xy = decodeScore(e.score);
    const dist = withinShape(shape, xy);
    if (dist !== null) points.push({ member: e.member, score: e.score, longitude: xy[0], latitude: xy[1], dist });
    if (full(points, limit)) break;
  }
}

/** membersOfAllNeighbors: the centre cell and its neighbours, skipping zeroed ones and a repeat of the previous. */
async function membersOfAllNeighbors(z: ZSetView, shape: GeoShape, limit: number): Promise<GeoPoint[]> {
  const { hash, neighbors: n } = areasByShape(shape);
  const cells = [hash, n.north, n.south, n.east, n.west, n.northEast, n.northWest, n.southEast, n.southWest];
  const points: GeoPoint[] = [];
  let lastProcessed = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    if (isZeroHash(cell)) continue;
    // Huge radii make adjacent neighbours the same cell (Redis compares with the last one scanned,
    // and not with the centre).
    const last = cells[lastProcessed]!;
    if (lastProcessed !== 0 && cell.bits === last.bits && cell.step === last.step) continue;
    if (full(points, limit)) break;
    await membersOfBox(z, cell, shape, points, limit);
    lastProcessed = i;
  }
  return points;
}

/** A search's centre as parsed so far; the shape is complete once BYRADIUS/BYBOX (or the fixed arguments) gave its size. */
interface ShapeParts {
  xy: [number, number];
  size:
    | { type: 'circle'; radius: number; conversion: number }
    | { type: 'box'; width: number; height: number; conversion: number }
    | null;
}

/**
 * georadiusGeneric: every geo search. `store` writes the result (write commands only); the reply
 * is the search result, the stored count, or an error, in Redis's order of checks.
 */
async function georadiusGeneric(
  ks: Keyspace,
  db: number,
  argv: readonly Buffer[],
  srcKeyIndex: number,
  flags: number,
  store: ((key: Buffer, entries: ZEntry[]) => Promise<void>) | null,
): Promise<Reply> {
  let storeKey: Buffer | null = null;
  let storeDist = false;
  const opened = await openZSet(ks, db, argv[srcKeyIndex]!);
  if (opened === WRONGTYPE) return E.wrongType;
  const z = opened;

  const parts: ShapeParts = { xy: [0, 0], size: null };
  let baseArgs: number;
  if (flags & COORDS) {
    baseArgs = 6;
    const xy = extractLongLat(argv[2]!, argv[3]!);
    if (isParseError(xy)) return xy.error;
    parts.xy = xy;
    const d = extractDistance(argv[4]!, argv[5]!);
    if (isParseError(d)) return d.error;
    parts.size = { type: 'circle', ...d };
  } else if (flags & MEMBER && z === null) {
    // No source key: the options are still parsed, for their errors and the kind of reply.
    baseArgs = 5;
  } else if (flags & MEMBER) {
    baseArgs = 5;
    const score = await z!.score(argv[2]!);
    if (score === null) return E.geoCouldNotDecodeMember;
    parts.xy = decodeScore(score);
    const d = extractDistance(argv[3]!, argv[4]!);
    if (isParseError(d)) return d.error;
    parts.size = { type: 'circle', ...d };
  } else {
    assert(flags & SEARCH, 'a geo search is by coordinates, by member or GEOSEARCH');
    baseArgs = 2;
    if (flags & SEARCHSTORE) {
      baseArgs = 3;
      storeKey = argv[1]!;
    }
  }

  let withDist = false;
  let withHash = false;
  let withCoords = false;
  let fromMember = false;
  let fromLoc = false;
  let byRadius = false;
  let byBox = false;
  let sort: 'none' | 'asc' | 'desc' = 'none';
  let any = false;
  let count = 0n;
  const remaining = argv.length - baseArgs;
  for (let i = 0; i < remaining; i++) {
    const arg = argv[baseArgs + i]!;
    const next = (k: number): Buffer => argv[baseArgs + i + k]!;
    if (is(arg, 'withdist')) withDist = true;
    else if (is(arg, 'withhash')) withHash = true;
    else if (is(arg, 'withcoord')) withCoords = true;
    else if (is(arg, 'any')) any = true;
    else if (is(arg, 'asc')) sort = 'asc';
    else if (is(arg, 'desc')) sort = 'desc';
    else if (is(arg, 'count') && i + 1 < remaining) {
      const n = parseInt64(next(1));
      if (n === null) return E.notInteger;
      if (n <= 0n) return E.geoCountNotPositive;
      count = n;
      i++;
    } else if ((is(arg, 'store') || is(arg, 'storedist')) && i + 1 < remaining && !(flags & NOSTORE) && !(flags & SEARCH)) {
      storeKey = next(1);
      storeDist = is(arg, 'storedist');
      i++;
    } else if (is(arg, 'storedist') && flags & SEARCH && flags & SEARCHSTORE) {
      storeDist = true;
    } else if (is(arg, 'frommember') && i + 1 < remaining && flags & SEARCH && !fromLoc) {
      if (z !== null) {
        const score = await z.score(next(1));
        if (score === null) return E.geoCouldNotDecodeMember;
        parts.xy = decodeScore(score);
      }
      fromMember = true;
      i++;
    } else if (is(arg, 'fromlonlat') && i + 2 < remaining && flags & SEARCH && !fromMember) {
      const xy = extractLongLat(next(1), next(2));
      if (isParseError(xy)) return xy.error;
      parts.xy = xy;
      fromLoc = true;
      i += 2;
    } else if (is(arg, 'byradius') && i + 2 < remaining && flags & SEARCH && !byBox) {
      const d = extractDistance(next(1), next(2));
      if (isParseError(d)) return d.error;
      parts.size = { type: 'circle', ...d };
      byRadius = true;
      i += 2;
    } else if (is(arg, 'bybox') && i + 3 < remaining && flags & SEARCH && !byRadius) {
      const b = extractBox(next(1), next(2), next(3));
      if (isParseError(b)) return b.error;
      parts.size = { type: 'box', ...b };
      byBox = true;
      i += 3;
    } else return E.syntax;
  }

  if (storeKey !== null && (withDist || withHash || withCoords)) return E.geoStoreWithOptions(flags & SEARCHSTORE ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS');
  const name = argv[0]!.toString('latin1');
  if (flags & SEARCH && !(fromMember || fromLoc)) return E.geoExactlyOneFrom(name);
  if (flags & SEARCH && !(byRadius || byBox)) return E.geoExactlyOneBy(name);
  if (any && count === 0n) return E.geoAnyRequiresCount;

  if (z === null) {
    if (storeKey === null) return EMPTY_ARRAY;
    assert(store !== null, 'only write commands parse a store key');
    await store(storeKey, []);
    return ZERO;
  }

  // COUNT keeps the nearest ones, unless ANY asked for the first found.
  if (count !== 0n && sort === 'none' && !any) sort = 'asc';
  const size = parts.size;
  assert(size !== null, 'every search of an existing key has a shape');
  const shape: GeoShape = { ...size, xy: parts.xy };
  const limit = any ? Number(count) : 0;
  const points = await membersOfAllNeighbors(z, shape, limit);
  if (points.length === 0 && storeKey === null) return EMPTY_ARRAY;

  const returned = count === 0n || BigInt(points.length) < count ? points.length : Number(count);
  if (sort !== 'none') {
    const sign = sort === 'asc' ? 1 : -1;
    const cmp = (a: GeoPoint, b: GeoPoint): number => sign * (a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1);
    // qsort (glibc: a stable merge sort) for the whole result, pqsort when COUNT cuts it.
    if (returned === points.length) points.sort(cmp);
    else pqsort(points, cmp, 0, returned - 1);
  }
  const selected = points.slice(0, returned);
  for (const p of selected) p.dist /= shape.conversion;

  if (storeKey === null) {
    const options = withDist || withHash || withCoords;
    return array(
      selected.map((p) => {
        if (!options) return bulk(p.member);
        const item: Reply[] = [bulk(p.member)];
        if (withDist) item.push(distanceReply(p.dist));
        if (withHash) item.push(int(scoreAsInt64(p.score)));
        if (withCoords) item.push(array([coordinateReply(p.longitude), coordinateReply(p.latitude)]));
        return array(item);
      }),
    );
  }
  assert(store !== null, 'only write commands parse a store key');
  // The cells are disjoint, so no member is found twice.
  await store(
    storeKey,
    selected.map((p) => ({ member: p.member, score: storeDist ? p.dist : p.score })),
  );
  return int(returned);
}

/** setKey of the result (converted to a listpack when small enough), or the key deleted when empty. */
const storeResult =
  (ks: MutableKeyspace, db: number) =>
  (key: Buffer, entries: ZEntry[]): Promise<void> => {
    assert(new Set(entries.map((e) => e.member.toString('latin1'))).size === entries.length, 'a geo search finds each member once');
    return replaceZSet(ks, db, key, entries, 'whole');
  };

const search =
  (srcKeyIndex: number, flags: number) =>
  (ctx: ReadContext, argv: readonly Buffer[]): Promise<Reply> =>
    georadiusGeneric(ctx.ks, ctx.db, argv, srcKeyIndex, flags, null);

const searchWrite =
  (srcKeyIndex: number, flags: number) =>
  (ctx: WriteContext, argv: readonly Buffer[]): Promise<Reply> =>
    georadiusGeneric(ctx.ks, ctx.db, argv, srcKeyIndex, flags, storeResult(ctx.ks, ctx.db));

// ---- GEOHASH, GEOPOS, GEODIST -------------------------------------------------------------------

/**
 * GEOHASH and GEOPOS: for each member, `reply` of its position, or `missing` when the key or the
 * member does not exist.
 */
const perMember =
  (missing: Reply, reply: (lon: number, lat: number) => Reply) =>
  async (ctx: ReadContext, argv: readonly Buffer[]): Promise<Reply> => {
    const z = await openZSet(ctx.ks, ctx.db, argv[1]!);
    if (z === WRONGTYPE) return E.wrongType;
    const members = argv.slice(2);
    const scores = z === null ? members.map(() => null) : await z.scores(members);
    return array(scores.map((score) => (score === null ? missing : reply(...decodeScore(score)))));
  };

const geohash = perMember(NULL, (lon, lat) => {
  const text = standardGeohash(lon, lat);
  assert(text !== null, 'a decoded position encodes');
  return bulk(text);
});

const geopos = perMember(NULL_ARRAY, (lon, lat) => array([coordinateReply(lon), coordinateReply(lat)]));

async function geodist(ctx: ReadContext, argv: readonly Buffer[]): Promise<Reply> {
  let toMeter = 1;
  if (argv.length === 5) {
    const u = extractUnit(argv[4]!);
    if (isParseError(u)) return u.error;
    toMeter = u;
  } else if (argv.length > 5) return E.syntax;
  const z = await openZSet(ctx.ks, ctx.db, argv[1]!);
  if (z === null) return NULL;
  if (z === WRONGTYPE) return E.wrongType;
  const [s1, s2] = await z.scores([argv[2]!, argv[3]!]);
  if (s1 === null || s2 === null || s1 === undefined || s2 === undefined) return NULL;
  const [x1, y1] = decodeScore(s1);
  const [x2, y2] = decodeScore(s2);
  return distanceReply(distance(x1, y1, x2, y2) / toMeter);
}

// ---- the table ---------------------------------------------------------------------------------

const docs = (summary: string, since: string, complexity: string) => ({ summary, since, group: 'geo', complexity });
const meta = (arity: number, flags: readonly CommandFlag[], keys: KeyRange, summary: string, since: string, complexity: string) => ({
  arity,
  flags,
  keys,
  acl: ['@geo'],
  docs: docs(summary, since, complexity),
});
const asArgv = (argv: readonly Buffer[]): readonly Buffer[] => argv;
const SEARCH_CX = 'O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape';
const LOG_N = 'O(log(N)) for each member requested, where N is the number of elements in the sorted set.';

/** GEORADIUS or GEORADIUSBYMEMBER (a write: it may STORE) and its read-only _RO variant. */
function radiusCommands(name: string, arity: number, from: string, flags: number): Command[] {
  return [
    writeCommand(
      name,
      meta(arity, ['write', 'denyoom'], K1, `Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from ${from}`, '3.2.0', SEARCH_CX),
      asArgv,
      searchWrite(1, flags),
    ),
    readCommand(`${name}_ro`, meta(arity, ['readonly'], K1, `A read-only variant for ${name.toUpperCase()}`, '3.2.10', SEARCH_CX), asArgv, search(1, flags | NOSTORE)),
  ];
}

export const geoCommands: Command[] = [
  writeCommand(
    'geoadd',
    meta(-5, ['write', 'denyoom'], K1, 'Add one or more geospatial items in the geospatial index represented using a sorted set', '3.2.0', 'O(log(N)) for each item added, where N is the number of elements in the sorted set.'),
    parseGeoadd,
    zadd,
  ),
  readCommand('geodist', meta(-4, ['readonly'], K1, 'Returns the distance between two members of a geospatial index', '3.2.0', 'O(log(N))'), asArgv, geodist),
  readCommand('geohash', meta(-2, ['readonly'], K1, 'Returns members of a geospatial index as standard geohash strings', '3.2.0', LOG_N), asArgv, geohash),
  readCommand('geopos', meta(-2, ['readonly'], K1, 'Returns longitude and latitude of members of a geospatial index', '3.2.0', LOG_N), asArgv, geopos),
  ...radiusCommands('georadius', -6, 'a point', COORDS),
  ...radiusCommands('georadiusbymember', -5, 'a member', MEMBER),
  readCommand(
    'geosearch',
    meta(-7, ['readonly'], K1, 'Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.', '6.2.0', SEARCH_CX),
    asArgv,
    search(1, SEARCH),
  ),
  writeCommand(
    'geosearchstore',
    meta(-8, ['write', 'denyoom'], K12, 'Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.', '6.2.0', SEARCH_CX),
    asArgv,
    searchWrite(2, SEARCH | SEARCHSTORE),
  ),
];
