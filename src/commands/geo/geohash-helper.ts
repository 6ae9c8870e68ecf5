// Redis 7.0's geohash_helper.c: the haversine distance, the step (cell size) that suits a search
// radius, the bounding box of a search shape and the nine cells (centre + 8 neighbours) that
// cover it, with Redis's adjustments near the edges. Pure, and in Redis's order of operations so
// that results match redis-server's bit for bit (up to the last ulp of the C library's
// sin/cos/asin: geo/libm.ts rounds them correctly, glibc does in all but a few cases in a thousand).
import { decode, encode, LAT_RANGE, LONG_RANGE, neighbors as neighborsOf, ZERO_HASH, type Area, type HashBits, type Neighbors } from './geohash.js';
import { assert } from '../../util/assert.js';
import { asin, cos, sin } from './libm.js';

const D_R = Math.PI / 180.0;
/** Earth's quadratic mean radius for WGS-84. */
export const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;

const degRad = (ang: number): number => ang * D_R;
const radDeg = (ang: number): number => ang / D_R;

/** GeoShape: the centre and either a radius or a width and height, in a unit `conversion` meters each. */
export type GeoShape =
  | { readonly type: 'circle'; readonly xy: readonly [number, number]; readonly conversion: number; readonly radius: number }
  | { readonly type: 'box'; readonly xy: readonly [number, number]; readonly conversion: number; readonly width: number; readonly height: number };

/** GeoHashRadius: the centre cell, its neighbours (zeroed where useless) and its area. */
export interface SearchAreas {
  readonly hash: HashBits;
  readonly neighbors: Neighbors;
  readonly area: Area;
}

/** geohashEstimateStepsByRadius: the step whose cells are about as large as the radius. */
export function estimateStepsByRadius(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let range = rangeMeters;
  let step = 1;
  while (range < MERCATOR_MAX) {
    range *= 2;
    step++;
  }
  step -= 2; // Make sure range is included in most of the base cases.
  // Wider cells towards the poles.
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** geohashBoundingBox: [min longitude, min latitude, max longitude, max latitude] of the shape. */
export function boundingBox(shape: GeoShape): [number, number, number, number] {
  const [longitude, latitude] = shape.xy;
  const height = shape.conversion * (shape.type === 'circle' ? shape.radius : shape.height / 2);
  const width = shape.conversion * (shape.type === 'circle' ? shape.radius : shape.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const longDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / cos(degRad(latitude + latDelta)));
  const longDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / cos(degRad(latitude - latDelta)));
  // The box is wider at its edge nearer the pole: the top in the north, the bottom in the south.
  const southern = latitude < 0;
  return [
    southern ? longitude - longDeltaBottom : longitude - longDeltaTop,
    latitude - latDelta,
    southern ? longitude + longDeltaBottom : longitude + longDeltaTop,
    latitude + latDelta,
  ];
}

function decodeArea(hash: HashBits): Area {
  const area = decode(LONG_RANGE, LAT_RANGE, hash);
  assert(area !== null, 'a search cell is never the zero hash');
  return area;
}

function cellsAt(longitude: number, latitude: number, steps: number): { hash: HashBits; neighbors: Neighbors; area: Area } {
  const hash = encode(LONG_RANGE, LAT_RANGE, longitude, latitude, steps);
  assert(hash !== null, 'a search centre is a valid position');
  return { hash, neighbors: neighborsOf(hash), area: decodeArea(hash) };
}

/** geohashCalculateAreasByShapeWGS84: the nine cells to scan for the shape. */
export function areasByShape(shape: GeoShape): SearchAreas {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(shape);
  const [longitude, latitude] = shape.xy;
  // A box is covered by the circle through its corners.
  let radiusMeters = shape.type === 'circle' ? shape.radius : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2));
  radiusMeters *= shape.conversion;

  let steps = estimateStepsByRadius(radiusMeters, latitude);
  let c = cellsAt(longitude, latitude, steps);

  // Near the edge of the centre cell the estimated step may leave part of the shape outside the
  // neighbours: then use cells twice as large.
  const north = decodeArea(c.neighbors.north);
  const south = decodeArea(c.neighbors.south);
  const east = decodeArea(c.neighbors.east);
  const west = decodeArea(c.neighbors.west);
  const decreaseStep = north.latitude.max < maxLat || south.latitude.min > minLat || east.longitude.max < maxLon || west.longitude.min > minLon;
  if (steps > 1 && decreaseStep) {
    steps--;
    c = cellsAt(longitude, latitude, steps);
  }

  // Neighbours on a side the shape does not reach are not scanned.
  let n: { -readonly [K in keyof Neighbors]: HashBits } = { ...c.neighbors };
  if (steps >= 2) {
    if (c.area.latitude.min < minLat) n = { ...n, south: ZERO_HASH, southWest: ZERO_HASH, southEast: ZERO_HASH };
    if (c.area.latitude.max > maxLat) n = { ...n, north: ZERO_HASH, northEast: ZERO_HASH, northWest: ZERO_HASH };
    if (c.area.longitude.min < minLon) n = { ...n, west: ZERO_HASH, southWest: ZERO_HASH, northWest: ZERO_HASH };
    if (c.area.longitude.max > maxLon) n = { ...n, east: ZERO_HASH, southEast: ZERO_HASH, northEast: ZERO_HASH };
  }
  return { hash: c.hash, neighbors: n, area: c.area };
}

/** geohashGetDistance: the haversine great-circle distance in meters. */
export function distance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lat1r = degRad(lat1d);
  const lon1r = degRad(lon1d);
  const lat2r = degRad(lat2d);
  const lon2r = degRad(lon2d);
  const u = sin((lat2r - lat1r) / 2);
  const v = sin((lon2r - lon1r) / 2);
  return 2.0 * EARTH_RADIUS_IN_METERS * asin(Math.sqrt(u * u + cos(lat1r) * cos(lat2r) * v * v));
}

/** geohashGetDistanceIfInRadiusWGS84: the distance, or null when it exceeds the radius (meters). */
export function distanceIfInRadius(x1: number, y1: number, x2: number, y2: number, radius: number): number | null {
  const d = distance(x1, y1, x2, y2);
  return d > radius ? null : d;
}

/**
 * geohashGetDistanceIfInRectangle: whether (x2, y2) lies within width/2 east-west (measured along
 * its own parallel) and height/2 north-south of the centre (x1, y1); then its distance to it.
 */
export function distanceIfInRectangle(widthM: number, heightM: number, x1: number, y1: number, x2: number, y2: number): number | null {
  const lonDistance = distance(x2, y2, x1, y2);
  const latDistance = distance(x2, y2, x2, y1);
  if (lonDistance > widthM / 2 || latDistance > heightM / 2) return null;
  return distance(x1, y1, x2, y2);
}
