// A byte string with the memory behaviour of a Redis sds that hyperloglog.c relies on: room past
// the length, and a terminator byte at [len] that reads as 0 unless a write spilled onto it.
// hyperloglog.c reads one byte past the end when a corrupt sparse value ends in half an XZERO
// opcode, and can write one byte past it while splitting that opcode; keeping those bytes (instead
// of bounds-checking them away) is what makes corrupt inputs give redis-server's exact results.
import { assert } from '../../util/assert.js';

export class SdsBuffer {
  /** Capacity; bytes[len] always exists. */
  bytes: Uint8Array;
  len: number;

  private constructor(bytes: Uint8Array, len: number) {
    assert(bytes.length > len, 'sds buffer without room for its terminator');
    this.bytes = bytes;
    this.len = len;
  }

  /** A copy of `value`, terminated as sdsnewlen leaves it. */
  static from(value: Uint8Array): SdsBuffer {
    const bytes = new Uint8Array(value.length + 1);
    bytes.set(value);
    return new SdsBuffer(bytes, value.length);
  }

  /** `len` zero bytes (sdsnewlen(NULL, len)). */
  static zeroed(len: number): SdsBuffer {
    return new SdsBuffer(new Uint8Array(len + 1), len);
  }

  /** sdsMakeRoomFor: at least `add` bytes of room after the terminator position, contents kept. */
  makeRoomFor(add: number): void {
    if (this.bytes.length - this.len - 1 >= add) return;
    // Grow as sds does (double while small) so repeated adds stay amortized O(1).
    const want = this.len + add;
    const grown = new Uint8Array((want < 1024 * 1024 ? want * 2 : want + 1024 * 1024) + 1);
    grown.set(this.bytes);
    this.bytes = grown;
  }

  /** sdsIncrLen: moves the end by `delta` (room must exist) and writes the terminator. */
  incrLen(delta: number): void {
    const len = this.len + delta;
    assert(len >= 0 && len < this.bytes.length, 'sds length outside its buffer');
    this.len = len;
    this.bytes[len] = 0;
  }

  /** The string's bytes [0, len) as a new Buffer. */
  toBuffer(): Buffer {
    return Buffer.from(this.bytes.subarray(0, this.len));
  }

  equals(value: Uint8Array): boolean {
    return Buffer.compare(this.bytes.subarray(0, this.len), value) === 0;
  }
}
