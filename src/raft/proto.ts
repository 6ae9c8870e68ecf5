// proto/raft.proto loaded once with protobufjs, and the Entry mapping shared by the WAL and the
// node-to-node message codec.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { Entry, EntryType } from './core/types.js';

/** Loads proto/<file> from src/ (tsx) or dist/src/ (compiled): walks up to the package root. */
export function loadProto(file: string): protobuf.Root {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'proto', file);
    if (existsSync(candidate)) return protobuf.loadSync(candidate);
    dir = dirname(dir);
  }
  throw new Error(`proto/${file} not found above ${fileURLToPath(import.meta.url)}`);
}

export const raftProto = loadProto('raft.proto');

/** uint64 fields decode to Long when the `long` package is present, to number otherwise. */
export type Long = { toNumber(): number } | number;
export const num = (v: Long | undefined | null): number => (v == null ? 0 : typeof v === 'number' ? v : v.toNumber());

export interface PbEntry {
  term?: Long;
  index?: Long;
  type?: number;
  timeMs?: Long;
  seed?: number;
  data?: Uint8Array;
}

const TYPE_TO_PB: Record<EntryType, number> = { normal: 0, noop: 1, confChange: 2 };
const PB_TO_TYPE: EntryType[] = ['normal', 'noop', 'confChange'];

export function encodeEntry(e: Entry): PbEntry {
  return { term: e.term, index: e.index, type: TYPE_TO_PB[e.type], timeMs: e.timeMs, seed: e.seed >>> 0, data: e.data };
}

export function decodeEntry(e: PbEntry): Entry {
  const type = PB_TO_TYPE[e.type ?? 0];
  if (type === undefined) throw new Error(`unknown entry type ${e.type}`);
  return {
    term: num(e.term),
    index: num(e.index),
    type,
    timeMs: num(e.timeMs),
    seed: (e.seed ?? 0) >>> 0,
    // protobufjs decodes an empty bytes field to its default, a plain [] rather than a Uint8Array.
    data: e.data !== undefined && e.data.length > 0 ? e.data : new Uint8Array(0),
  };
}
