// WAL record payloads, encoded with protobufjs from proto/raft.proto.
import type { Entry, HardState } from '../core/types.js';
import { decodeEntry, encodeEntry, num, raftProto, type Long, type PbEntry } from '../proto.js';

export type WalRecord =
  | { readonly kind: 'entry'; readonly entry: Entry }
  | { readonly kind: 'hardState'; readonly hardState: HardState }
  | { readonly kind: 'compaction'; readonly index: number; readonly term: number }
  | { readonly kind: 'truncation'; readonly fromIndex: number };

const RecordType = raftProto.lookupType('pikiraft.raft.WalRecord');

export function encodeRecord(r: WalRecord): Uint8Array {
  let msg: Record<string, unknown>;
  switch (r.kind) {
    case 'entry':
      msg = { entry: encodeEntry(r.entry) };
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
  entry?: PbEntry;
  hardState?: { term?: Long; vote?: Long; commit?: Long };
  compaction?: { index?: Long; term?: Long };
  truncation?: { fromIndex?: Long };
}

export function decodeRecord(bytes: Uint8Array): WalRecord {
  const m = RecordType.decode(bytes) as unknown as DecodedRecord;
  if (m.entry) return { kind: 'entry', entry: decodeEntry(m.entry) };
  if (m.hardState) {
    return { kind: 'hardState', hardState: { term: num(m.hardState.term), vote: num(m.hardState.vote), commit: num(m.hardState.commit) } };
  }
  if (m.compaction) return { kind: 'compaction', index: num(m.compaction.index), term: num(m.compaction.term) };
  if (m.truncation) return { kind: 'truncation', fromIndex: num(m.truncation.fromIndex) };
  throw new Error('WAL record has no known payload');
}
