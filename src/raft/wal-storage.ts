// The WAL seen through the Raft core's Storage interface.
import type { Entry, HardState, Storage } from './core/types.js';
import type { Wal } from './log/wal.js';
import { assert } from '../util/assert.js';

export class WalStorage implements Storage {
  constructor(private readonly wal: Wal) {}
  initialState(): HardState {
    return this.wal.hardState;
  }
  firstIndex(): number {
    return this.wal.firstIndex;
  }
  lastIndex(): number {
    return this.wal.lastIndex;
  }
  term(index: number): number {
    if (index === 0) return 0;
    const t = this.wal.term(index);
    assert(t !== undefined, `storage term(${index}) outside [${this.wal.firstIndex - 1}, ${this.wal.lastIndex}]`);
    return t;
  }
  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    return this.wal.entries(lo, hi, maxBytes);
  }
}
