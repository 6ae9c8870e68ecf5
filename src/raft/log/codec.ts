// WAL record payloads, encoded with protobufjs from proto/raft.proto.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { Entry, EntryType, HardState } from '../core/types.js';

export type WalRecord =
  | { readonly kind: 'entry'; readonly entry: Entry }
  | { readonly kind: 'hardState'; readonly hardState: HardState }
  | { readonly kind: 'compaction'; readonly index: number; readonly term: number }
  | { readonly kind: 'truncation'; readonly fromIndex: number };

function findProto(): string {
  // Works from src/ (tsx) and dist/src/ (compiled): walk up to the package root.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'proto', 'raft.proto');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error('proto/raft.proto not found above ' + fileURLToPath(import.meta.url));
}

const root = protobuf.loadSync(findProto());
const RecordType = root.lookupType('pikiraft.raft.WalRecord');

const TYPE_TO_PB: Record<EntryType, number> = { normal: 0, noop: 1, confChange: 2 };
const PB_TO_TYPE: EntryType[] = ['normal', 'noop', 'confChange'];

type Long = { toNumber(): number } | number;
const num = (v: Long | undefined | null): number => (v == null ? 0 : typeof v === 'number' ? v : v.toNumber());

export function encodeRecord(r: WalRecord): Uint8Array {
  let msg: Record<string, unknown>;
  switch (r.kind) {
    case 'entry':
      msg = {
        entry: {
          term: r.entry.term,
          index: r.entry.index,
          type: TYPE_TO_PB[r.entry.type],
          timeMs: r.entry.timeMs,
          seed: r.entry.seed >>> 0,
          data: r.entry.data,
        },
      };
      break;
    case 'hardState':
      msg = { hardState: { ...r.hardState } };
      break;
    case 'compaction':
      msg = { compaction: { index: r.index, term: r.term } };
      break;
    case 'truncation':
      msg = { truncation: { fromIndex: r.fromIndex } };
      break;
  }
  return RecordType.encode(RecordType.fromObject(msg)).finish();
}

interface DecodedRecord {
  entry?: { term?: Long; index?: Long; type?: number; timeMs?: Long; seed?: number; data?: Uint8Array };
  hardState?: { term?: Long; vote?: Long; commit?: Long };
  compaction?: { index?: Long; term?: Long };
  truncation?: { fromIndex?: Long };
}

export function decodeRecord(bytes: Uint8Array): WalRecord {
  const m = RecordType.decode(bytes) as unknown as DecodedRecord;
  if (m.entry) {
    const e = m.entry;
    return {
      kind: 'entry',
      entry: {
        term: num(e.term),
        index: num(e.index),
        type: PB_TO_TYPE[e.type ?? 0] ?? 'normal',
        timeMs: num(e.timeMs),
        seed: (e.seed ?? 0) >>> 0,
        data: e.data ?? new Uint8Array(0),
      },
    };
  }
  if (m.hardState) {
    return { kind: 'hardState', hardState: { term: num(m.hardState.term), vote: num(m.hardState.vote), commit: num(m.hardState.commit) } };
  }
  if (m.compaction) return { kind: 'compaction', index: num(m.compaction.index), term: num(m.compaction.term) };
  if (m.truncation) return { kind: 'truncation', fromIndex: num(m.truncation.fromIndex) };
  throw new Error('WAL record has no known payload');
}
