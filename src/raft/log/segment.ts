// Record framing inside a segment file: [u32 length][u32 crc32c(payload)][payload].
import { crc32c } from './crc32c.js';

export const FRAME_HEADER_BYTES = 8;
/** No single record may exceed this: it bounds memory on recovery and catches garbage lengths. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

export function frame(payload: Uint8Array): Buffer {
  if (payload.length > MAX_RECORD_BYTES) {
    throw new Error(`WAL record of ${payload.length} bytes exceeds the ${MAX_RECORD_BYTES}-byte limit`);
  }
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.writeUInt32BE(crc32c(payload), 4);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

export type FrameRead =
  | { readonly ok: true; readonly payload: Buffer; readonly next: number }
  | { readonly ok: false; readonly reason: string };

/** Reads the frame at `offset`; fails on a short, oversized or checksum-mismatched frame. */
export function readFrame(buf: Buffer, offset: number): FrameRead {
  if (offset + FRAME_HEADER_BYTES > buf.length) return { ok: false, reason: 'partial frame header' };
  const len = buf.readUInt32BE(offset);
  const crc = buf.readUInt32BE(offset + 4);
  if (len === 0 && crc === 0) return { ok: false, reason: 'zeroed frame' };
  if (len > MAX_RECORD_BYTES) return { ok: false, reason: `frame length ${len} exceeds the limit` };
  const end = offset + FRAME_HEADER_BYTES + len;
  if (end > buf.length) return { ok: false, reason: 'partial frame payload' };
  const payload = buf.subarray(offset + FRAME_HEADER_BYTES, end);
  if (crc32c(payload) !== crc) return { ok: false, reason: 'checksum mismatch' };
  return { ok: true, payload, next: end };
}

/** Whether any valid frame starts after `offset` (a bad frame followed by good data is corruption, not a torn tail). */
export function hasValidFrameAfter(buf: Buffer, offset: number, maxScanBytes = 1024 * 1024): boolean {
  const limit = Math.min(buf.length, offset + maxScanBytes);
  for (let o = offset + 1; o + FRAME_HEADER_BYTES <= limit; o++) {
    const r = readFrame(buf, o);
    if (r.ok && r.payload.length > 0) return true;
  }
  return false;
}
