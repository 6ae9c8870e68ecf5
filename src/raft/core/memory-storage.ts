// In-memory Storage (etcd's MemoryStorage): for tests and the simulator. The WAL implements the same view.
import { invariant } from './assert.js';
import type { Entry, HardState, Storage } from './types.js';
import { EMPTY_HARD_STATE, entrySizeBytes } from './types.js';

export class MemoryStorage implements Storage {
  private hs: HardState;
  private ents: Entry[];

  constructor(hs: HardState = EMPTY_HARD_STATE, entries: readonly Entry[] = []) {
    this.hs = hs;
    this.ents = [...entries];
    for (let i = 0; i < this.ents.length; i++) invariant(this.ents[i]!.index === i + 1, 'storage entries must start at 1');
  }
  initialState(): HardState {
    return this.hs;
  }
  firstIndex(): number {
    return 1;
  }
  lastIndex(): number {
    return this.ents.length;
  }
  term(index: number): number {
    if (index === 0) return 0;
    invariant(index <= this.ents.length, `storage term(${index}) beyond last ${this.ents.length}`);
    return this.ents[index - 1]!.term;
  }
  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    invariant(lo >= 1 && hi <= this.ents.length + 1, `storage entries [${lo},${hi}) out of range`);
    const out: Entry[] = [];
    let sizeBytes = 0;
    for (let i = lo; i < hi; i++) {
      const e = this.ents[i - 1]!;
      const s = entrySizeBytes(e);
      if (out.length > 0 && sizeBytes + s > maxBytes) break;
      sizeBytes += s;
      out.push(e);
    }
    return out;
  }
  setHardState(hs: HardState): void {
    this.hs = hs;
  }
  /** Appends, truncating any conflicting tail first (what the WAL does on overwrite). */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = entries[0]!.index;
    invariant(first <= this.ents.length + 1, `storage append at ${first} leaves a gap after ${this.ents.length}`);
    this.ents.length = first - 1;
    this.ents.push(...entries);
  }
  /** Copy of all entries (simulator checks). */
  all(): readonly Entry[] {
    return this.ents;
  }
}
