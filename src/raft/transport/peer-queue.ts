// A bounded FIFO of encoded Raft messages for one peer. Full → the new
// message is dropped (tail drop, as etcd's rafthttp): Raft retransmits, and
// dropping the newest keeps the queued prefix in order.
import { invariant } from './errors.js';

/** Compact the backing array once this many slots at its head are consumed. */
const COMPACT_HEAD_SLOTS_MIN = 1024;

export class PeerQueue {
  private items: (Uint8Array | undefined)[] = [];
  private head = 0;
  private bytes = 0;

  constructor(
    readonly maxMessages: number,
    readonly maxBytes: number,
  ) {
    invariant(Number.isSafeInteger(maxMessages) && maxMessages > 0, 'queue message limit > 0');
    invariant(Number.isSafeInteger(maxBytes) && maxBytes > 0, 'queue byte limit > 0');
  }

  get length(): number {
    return this.items.length - this.head;
  }

  get byteLength(): number {
    return this.bytes;
  }

  /** Appends unless a limit would be exceeded; returns false when the message was dropped. */
  push(message: Uint8Array): boolean {
    if (this.length + 1 > this.maxMessages || this.bytes + message.byteLength > this.maxBytes) return false;
    this.items.push(message);
    this.bytes += message.byteLength;
    return true;
  }

  /**
   * Removes and returns the oldest messages, at most `maxMessages` and, past the
   * first message, at most `maxBytes` in total (one oversized message still goes alone).
   */
  take(maxMessages: number, maxBytes: number): { messages: Uint8Array[]; bytes: number } {
    invariant(maxMessages > 0 && maxBytes > 0, 'take limits > 0');
    const messages: Uint8Array[] = [];
    let bytes = 0;
    while (this.head < this.items.length && messages.length < maxMessages) {
      const m = this.items[this.head]!;
      if (messages.length > 0 && bytes + m.byteLength > maxBytes) break;
      messages.push(m);
      bytes += m.byteLength;
      this.items[this.head] = undefined;
      this.head++;
    }
    this.bytes -= bytes;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= COMPACT_HEAD_SLOTS_MIN && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    invariant(this.bytes >= 0 && (this.length > 0 || this.bytes === 0), 'queue byte count consistent');
    return { messages, bytes };
  }

  /** Drops everything queued; returns how many messages were dropped. */
  clear(): number {
    const n = this.length;
    this.items = [];
    this.head = 0;
    this.bytes = 0;
    return n;
  }
}
