// Partition shapes as sets of cut links. Pure: node ids (and a random order) in, cut pairs out.
import type { Rng } from '../src/util/rng.js';

/** An unordered pair of node ids whose traffic is dropped, smaller id first. */
export type Link = readonly [number, number];

export function link(a: number, b: number): Link {
  return a < b ? [a, b] : [b, a];
}

export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Every link between the two groups. */
export function cutBetween(a: readonly number[], b: readonly number[]): Link[] {
  const out: Link[] = [];
  for (const x of a) for (const y of b) out.push(link(x, y));
  return out;
}

/** `order` split in two halves (the first one the smaller): neither side sees the other. */
export function halves(order: readonly number[]): Link[] {
  const k = Math.floor(order.length / 2);
  return cutBetween(order.slice(0, k), order.slice(k));
}

/** One node cut off from all others. */
export function isolate(node: number, all: readonly number[]): Link[] {
  return cutBetween([node], all.filter((x) => x !== node));
}

/**
 * Majorities ring (Jepsen): nodes in a ring, each sees only its nearest neighbours — enough of
 * them that each node sees a majority, but no two nodes see the same majority.
 */
export function majoritiesRing(order: readonly number[]): Link[] {
  const n = order.length;
  const reach = Math.ceil(Math.floor(n / 2) / 2);
  const out: Link[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = Math.min(j - i, n - (j - i));
      if (d > reach) out.push(link(order[i]!, order[j]!));
    }
  }
  return out;
}

/** Bridge (Jepsen): two halves that cannot talk, and one node in the middle that sees both. */
export function bridge(order: readonly number[]): Link[] {
  const mid = Math.floor(order.length / 2);
  return cutBetween(order.slice(0, mid), order.slice(mid + 1));
}

/** The groups of nodes that can all reach each other, for display ("{1,2}|{3,4,5}"). */
export function describeCut(cut: readonly Link[], all: readonly number[]): string {
  if (cut.length === 0) return 'fully connected';
  const blocked = new Set(cut.map(([a, b]) => `${a}-${b}`));
  const sees = (a: number, b: number): boolean => a === b || !blocked.has(`${link(a, b)[0]}-${link(a, b)[1]}`);
  return [...all]
    .sort((a, b) => a - b)
    .map((x) => `${x}→{${all.filter((y) => y !== x && sees(x, y)).sort((a, b) => a - b).join(',')}}`)
    .join(' ');
}
