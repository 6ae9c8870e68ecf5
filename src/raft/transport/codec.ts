// Wire encoding of the transport services, with protobufjs from proto/transport.proto.
import { loadProto } from '../proto.js';
import { invariant } from './errors.js';

const root = loadProto('transport.proto');
const RaftBatchType = root.lookupType('pikiraft.transport.RaftBatch');
const RaftAckType = root.lookupType('pikiraft.transport.RaftAck');
const ForwardRequestType = root.lookupType('pikiraft.transport.ForwardRequest');
const ForwardReplyType = root.lookupType('pikiraft.transport.ForwardReply');

export const RAFT_STREAM_PATH = '/pikiraft.transport.Raft/Stream';
export const FORWARD_EXECUTE_PATH = '/pikiraft.transport.Forward/Execute';

export interface RaftBatch {
  from: number;
  to: number;
  clusterId: number;
  messages: Uint8Array[];
}

export interface RaftAck {
  receivedBatches: number;
}

/** proto ForwardKind: run a write, block a follower's client on the leader, or unblock it. */
export type ForwardKind = 'execute' | 'block' | 'unblock' | 'transaction' | 'batch';
const FORWARD_KINDS: readonly ForwardKind[] = ['execute', 'block', 'unblock', 'transaction', 'batch'];

export interface ForwardRequest {
  db: number;
  argv: Buffer[];
  from: number;
  clusterId: number;
  to: number;
  kind: ForwardKind;
  /** block/unblock: the client's id on the forwarding node (0 for execute). */
  clientId: number;
}

export interface ForwardReply {
  reply: Uint8Array;
}

type Long = { toNumber(): number; high: number; low: number; unsigned: boolean } | number;

/** uint64 → number; ids above 2^53 are not representable, so they are refused. */
function u64(v: Long | null | undefined): number {
  if (v == null) return 0;
  if (typeof v === 'number') return v;
  const n = v.toNumber();
  if (!Number.isSafeInteger(n) || n < 0) throw new Error('transport codec: uint64 above 2^53');
  return n;
}

/** grpc-js wants Buffers; protobufjs returns Buffers on Node, so this is a cast, not a copy. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Encoded size bound of a batch: per message at most 1 tag byte + 5 length
 * bytes; the identity fields are at most 3 × (1 + 10) bytes.
 */
export function raftBatchSizeBoundBytes(messageCount: number, payloadBytes: number): number {
  return 33 + messageCount * 6 + payloadBytes;
}

export function encodeRaftBatch(b: RaftBatch): Buffer {
  return asBuffer(RaftBatchType.encode(b as unknown as Record<string, unknown>).finish());
}

export function decodeRaftBatch(bytes: Buffer): RaftBatch {
  const m = RaftBatchType.decode(bytes) as unknown as {
    from?: Long;
    to?: Long;
    clusterId?: Long;
    messages?: Uint8Array[];
  };
  return { from: u64(m.from), to: u64(m.to), clusterId: u64(m.clusterId), messages: m.messages ?? [] };
}

export function encodeRaftAck(a: RaftAck): Buffer {
  invariant(Number.isSafeInteger(a.receivedBatches) && a.receivedBatches >= 0, 'ack count is a safe integer');
  return asBuffer(RaftAckType.encode(a as unknown as Record<string, unknown>).finish());
}

export function decodeRaftAck(bytes: Buffer): RaftAck {
  const m = RaftAckType.decode(bytes) as unknown as { receivedBatches?: Long };
  return { receivedBatches: u64(m.receivedBatches) };
}

export function encodeForwardRequest(r: ForwardRequest): Buffer {
  return asBuffer(ForwardRequestType.encode({ ...r, kind: FORWARD_KINDS.indexOf(r.kind) } as unknown as Record<string, unknown>).finish());
}

export function decodeForwardRequest(bytes: Buffer): ForwardRequest {
  const m = ForwardRequestType.decode(bytes) as unknown as {
    db?: number;
    argv?: Uint8Array[];
    from?: Long;
    clusterId?: Long;
    to?: Long;
    kind?: number;
    clientId?: Long;
  };
  const kind = FORWARD_KINDS[m.kind ?? 0];
  if (kind === undefined) throw new Error(`transport codec: unknown forward kind ${m.kind}`);
  return {
    db: m.db ?? 0,
    argv: (m.argv ?? []).map(asBuffer),
    from: u64(m.from),
    clusterId: u64(m.clusterId),
    to: u64(m.to),
    kind,
    clientId: u64(m.clientId),
  };
}

export function encodeForwardReply(r: ForwardReply): Buffer {
  return asBuffer(ForwardReplyType.encode(r as unknown as Record<string, unknown>).finish());
}

export function decodeForwardReply(bytes: Buffer): ForwardReply {
  const m = ForwardReplyType.decode(bytes) as unknown as { reply?: Uint8Array };
  return { reply: m.reply ?? new Uint8Array(0) };
}
