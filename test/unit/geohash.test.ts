// The geohash math of src/commands/geo against values redis-server 7.0.15 answered (GEOADD then
// ZSCORE, GEOPOS, GEOHASH, GEODIST), and glibc's libm (sin, cos, asin) where V8's differ.
import { describe, expect, it } from 'vitest';
import { align52Bits, areaCenter, decode, decodeScore, encodeWGS84, LAT_RANGE, LONG_RANGE, neighbors, standardGeohash, type HashBits } from '../../src/commands/geo/geohash.js';
import { areasByShape, boundingBox, distance, estimateStepsByRadius } from '../../src/commands/geo/geohash-helper.js';
import { asin, cos, sin } from '../../src/commands/geo/libm.js';
import { doubleToLongDouble, formatFixed, formatLongDoubleHuman } from '../../src/resp/double.js';

const human = (v: number): string => formatLongDoubleHuman(doubleToLongDouble(v));

/** [longitude, latitude] given to GEOADD, then ZSCORE, GEOPOS and GEOHASH as redis-server replied. */
const POINTS: readonly [number, number, string, string, string, string][] = [
  [13.361389, 38.115556, '3479099956230698', '13.36138933897018433', '38.11555639549629859', 'sqc8b49rny0'],
  // Both offsets reach 2^26: the score overflows 52 bits, as in Redis.
  [180, 85.05112878, '13510798882111488', '180', '85.0511287799999991', 'bp05b5048p0'],
  [-180, -85.05112878, '0', '-179.99999731779098511', '-85.05112751263942528', '00bh0hbj200'],
  [0, 0, '3377699720527872', '0.00000268220901489', '0.00000126736058093', 's0000000000'],
  [-0.0001, -0.0001, '1125899906841058', '-0.00009924173355103', '-0.00010012148579364', '7zzzzzzzmt0'],
  [179.9999999, 0, '4128299658422954', '179.99999731779098511', '0.00000126736058093', 'xbpbpbpbpb0'],
  [-122.4194, 37.7749, '1367859919124626', '-122.41940170526504517', '37.77490001056577995', '9q8yyk8ytp0'],
  [151.2093, -33.8688, '3252046221964352', '151.20929986238479614', '-33.86880091934155956', 'r3gx2f77bj0'],
];

describe('geohash encode / decode', () => {
  for (const [lon, lat, score, x, y, hash] of POINTS) {
    it(`${lon},${lat}: score ${score}, position ${x},${y}, geohash ${hash}`, () => {
      const bits = encodeWGS84(lon, lat, 26);
      expect(bits).not.toBeNull();
      expect(align52Bits(bits!).toString()).toBe(score);
      const [dx, dy] = decodeScore(Number(score));
      expect([human(dx), human(dy)]).toEqual([x, y]);
      expect(standardGeohash(dx, dy)).toBe(hash);
    });
  }

  it('refuses positions Redis cannot index', () => {
    expect(encodeWGS84(180.0000001, 0, 26)).toBeNull();
    expect(encodeWGS84(0, 85.06, 26)).toBeNull();
    expect(encodeWGS84(0, 0, 0)).toBeNull();
  });

  it('decodes scores no GEOADD produces as redis-server does (GEOPOS after ZADD)', () => {
    // Redis's (uint64_t) conversion: negatives wrap, fractions truncate, huge values clamp.
    expect(decodeScore(-1).map(human)).toEqual(['180', '85.0511287799999991']);
    expect(decodeScore(1e20).map(human)).toEqual(['-179.99999731779098511', '-85.05112751263942528']);
    expect(decodeScore(-Infinity).map(human)).toEqual(['180', '-85.05112751263942528']);
    expect(decodeScore(1.5).map(human)).toEqual(['-179.99999731779098511', '-85.05112497791824921']);
  });
});

describe('neighbours and search areas', () => {
  const cellOf = (h: HashBits) => decode(LONG_RANGE, LAT_RANGE, h)!;

  it('the eight neighbours touch the cell on each side', () => {
    const h = encodeWGS84(13.361389, 38.115556, 10)!;
    const c = cellOf(h);
    const n = neighbors(h);
    expect(cellOf(n.east).longitude.min).toBeCloseTo(c.longitude.max, 12);
    expect(cellOf(n.west).longitude.max).toBeCloseTo(c.longitude.min, 12);
    expect(cellOf(n.north).latitude.min).toBeCloseTo(c.latitude.max, 12);
    expect(cellOf(n.south).latitude.max).toBeCloseTo(c.latitude.min, 12);
    expect(cellOf(n.northEast)).toEqual({ longitude: cellOf(n.east).longitude, latitude: cellOf(n.north).latitude });
    expect(cellOf(n.southWest)).toEqual({ longitude: cellOf(n.west).longitude, latitude: cellOf(n.south).latitude });
  });

  it('wraps around the antimeridian', () => {
    const h = encodeWGS84(179.99, 0, 8)!;
    const east = cellOf(neighbors(h).east);
    expect(east.longitude.min).toBe(-180);
    const w = encodeWGS84(-179.99, 0, 8)!;
    expect(cellOf(neighbors(w).west).longitude.max).toBe(180);
  });

  it('estimates steps as geohashEstimateStepsByRadius', () => {
    expect(estimateStepsByRadius(0, 0)).toBe(26);
    expect(estimateStepsByRadius(1, 0)).toBe(24);
    expect(estimateStepsByRadius(200_000, 0)).toBe(6);
    expect(estimateStepsByRadius(200_000, 70)).toBe(5);
    expect(estimateStepsByRadius(200_000, -81)).toBe(4);
    expect(estimateStepsByRadius(1e9, 0)).toBe(1);
  });

  it('drops the neighbours a small search cannot reach, keeps the centre cell around the centre', () => {
    const shape = { type: 'circle' as const, xy: [13.361389, 38.115556] as const, conversion: 1000, radius: 1 };
    const a = areasByShape(shape);
    const [minLon, minLat, maxLon, maxLat] = boundingBox(shape);
    expect(minLon).toBeLessThan(13.361389);
    expect(maxLat).toBeGreaterThan(38.115556);
    const [x, y] = areaCenter(a.area);
    expect(Math.abs(x - 13.361389)).toBeLessThan(maxLon - minLon);
    expect(Math.abs(y - 38.115556)).toBeLessThan(maxLat - minLat);
    const zeroed = Object.values(a.neighbors).filter((n) => n.step === 0 && n.bits === 0n).length;
    expect(zeroed).toBeGreaterThan(0);
  });
});

describe('distances', () => {
  const pos = (i: number): [number, number] => decodeScore(Number(POINTS[i]![2]));
  const d = (i: number, j: number): number => distance(...pos(i), ...pos(j));

  it('GEODIST as redis-server answers', () => {
    expect(formatFixed(d(0, 7) / 1000, 4)).toBe('16230.6165');
    expect(formatFixed(d(6, 7) / 1609.34, 4)).toBe('7426.0451');
    expect(formatFixed(d(1, 2), 4)).toBe('18919844.5891');
    expect(formatFixed(d(5, 3) / 0.3048, 4)).toBe('65684820.6761');
    expect(formatFixed(d(3, 4), 4)).toBe('15.9904');
    expect(d(0, 0)).toBe(0);
  });

  it('sin, cos and asin give glibc 2.36 results where V8 rounds the other way', () => {
    const cases: [(x: number) => number, (x: number) => number, [number, number][]][] = [
      [sin, Math.sin, [[2.175227619468775, 0.8228254237644227], [3.0359650654001427, 0.10543127993494943], [2.3248478070058636, 0.7289212253394299]]],
      [cos, Math.cos, [[-0.7464175337574237, 0.7341261162318841], [-0.3902646715747258, 0.9248084023965429], [2.4264435422459747, -0.7549954728234362]]],
      [asin, Math.asin, [[0.611447042422759, 0.657888025551732], [0.9702200121044742, 1.326137458205366], [0.6153623592358872, 0.6628455882510241]]],
    ];
    for (const [ours, v8, pairs] of cases) {
      for (const [x, glibc] of pairs) {
        expect(ours(x)).toBe(glibc);
        expect(v8(x)).not.toBe(glibc);
      }
    }
    expect(Object.is(sin(-0), -0)).toBe(true);
    expect(asin(1)).toBe(Math.PI / 2);
    expect(asin(1.0000000000000002)).toBeNaN();
  });

  it('formats like printf: %.4f and %f round exact ties to even', () => {
    expect(formatFixed(0.03125, 4)).toBe('0.0312');
    expect(formatFixed(0.0078125, 6)).toBe('0.007812');
    expect(formatFixed(-0, 6)).toBe('-0.000000');
    expect(formatFixed(Infinity, 6)).toBe('inf');
  });
});
