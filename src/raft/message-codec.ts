// Raft messages ⇄ bytes (proto/raft.proto `Message`), for the transport, which carries them opaque.
import type { Message, MessageType } from './core/messages.js';
import { decodeEntry, encodeEntry, num, raftProto, type Long, type PbEntry } from './proto.js';

const MessagePb = raftProto.lookupType('pikiraft.raft.Message');

const TYPES: readonly MessageType[] = [
  'app',
  'appResp',
  'vote',
  'preVote',
  'voteResp',
  'preVoteResp',
  'heartbeat',
  'heartbeatResp',
  'readIndex',
  'readIndexResp',
  'timeoutNow',
  'transferLeader',
];
const TYPE_CODE = new Map<MessageType, number>(TYPES.map((t, i) => [t, i]));

interface PbMessage {
  type?: number;
  from?: Long;
  to?: Long;
  term?: Long;
  index?: Long;
  logTerm?: Long;
  entries?: PbEntry[];
  commit?: Long;
  reject?: boolean;
  rejectHint?: Long;
  transfer?: boolean;
  round?: Long;
  ctx?: string;
  transferee?: Long;
}

export function encodeMessage(m: Message): Uint8Array {
  const pb: PbMessage = { type: TYPE_CODE.get(m.type)!, from: m.from, to: m.to, term: m.term };
  switch (m.type) {
    case 'app':
      Object.assign(pb, { index: m.index, logTerm: m.logTerm, entries: m.entries.map(encodeEntry), commit: m.commit });
      break;
    case 'appResp':
      Object.assign(pb, { index: m.index, reject: m.reject, rejectHint: m.rejectHint, logTerm: m.logTerm });
      break;
    case 'vote':
    case 'preVote':
      Object.assign(pb, { index: m.index, logTerm: m.logTerm, transfer: m.transfer });
      break;
    case 'voteResp':
    case 'preVoteResp':
      pb.reject = m.reject;
      break;
    case 'heartbeat':
      Object.assign(pb, { commit: m.commit, round: m.round });
      break;
    case 'heartbeatResp':
      pb.round = m.round;
      break;
    case 'readIndex':
      pb.ctx = m.ctx;
      break;
    case 'readIndexResp':
      Object.assign(pb, { index: m.index, ctx: m.ctx });
      break;
    case 'timeoutNow':
      break;
    case 'transferLeader':
      pb.transferee = m.transferee;
      break;
  }
  return MessagePb.encode(pb).finish();
}

/** Throws on bytes that are not a well-formed message (the caller drops them and logs). */
export function decodeMessage(bytes: Uint8Array): Message {
  const pb = MessagePb.decode(bytes) as unknown as PbMessage;
  const type = TYPES[pb.type ?? 0];
  if (type === undefined) throw new Error(`unknown raft message type ${pb.type}`);
  const base = { from: num(pb.from), to: num(pb.to), term: num(pb.term) };
  switch (type) {
    case 'app':
      return {
        ...base,
        type,
        index: num(pb.index),
        logTerm: num(pb.logTerm),
        entries: (pb.entries ?? []).map(decodeEntry),
        commit: num(pb.commit),
      };
    case 'appResp':
      return { ...base, type, index: num(pb.index), reject: pb.reject ?? false, rejectHint: num(pb.rejectHint), logTerm: num(pb.logTerm) };
    case 'vote':
    case 'preVote':
      return { ...base, type, index: num(pb.index), logTerm: num(pb.logTerm), transfer: pb.transfer ?? false };
    case 'voteResp':
    case 'preVoteResp':
      return { ...base, type, reject: pb.reject ?? false };
    case 'heartbeat':
      return { ...base, type, commit: num(pb.commit), round: num(pb.round) };
    case 'heartbeatResp':
      return { ...base, type, round: num(pb.round) };
    case 'readIndex':
      return { ...base, type, ctx: pb.ctx ?? '' };
    case 'readIndexResp':
      return { ...base, type, index: num(pb.index), ctx: pb.ctx ?? '' };
    case 'timeoutNow':
      return { ...base, type };
    case 'transferLeader':
      return { ...base, type, transferee: num(pb.transferee) };
  }
}
