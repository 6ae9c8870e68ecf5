// Seeded PRNG (mulberry32). The core never calls Math.random: every choice replays from a seed.

export interface Rng {
  /** Uniform integer in [0, bound). */
  int(bound: number): number;
}

export class Mulberry32 implements Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  int(bound: number): number {
    if (!(bound > 0 && Number.isSafeInteger(bound))) throw new Error(`rng: bad bound ${bound}`);
    return Math.floor((this.next32() / 0x1_0000_0000) * bound);
  }
}
