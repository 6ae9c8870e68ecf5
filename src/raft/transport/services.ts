// gRPC method definitions of proto/transport.proto, serialized with our codec.
import * as grpc from '@grpc/grpc-js';
import {
  FORWARD_EXECUTE_PATH,
  RAFT_STREAM_PATH,
  decodeForwardReply,
  decodeForwardRequest,
  decodeRaftAck,
  decodeRaftBatch,
  encodeForwardReply,
  encodeForwardRequest,
  encodeRaftAck,
  encodeRaftBatch,
  type ForwardReply,
  type ForwardRequest,
  type RaftAck,
  type RaftBatch,
} from './codec.js';

/** Call-metadata keys of a Raft stream: the identity is checked before any batch flows. */
export const HEADER_FROM = 'pikiraft-from';
export const HEADER_TO = 'pikiraft-to';
export const HEADER_CLUSTER_ID = 'pikiraft-cluster-id';
/** Response-metadata key the receiver sets once it accepted the stream: the sender is "connected". */
export const HEADER_ACCEPTED = 'pikiraft-accepted';
/** Status details prefix of a refusal (FAILED_PRECONDITION): the request was not acted on. */
export const REJECT_DETAILS_PREFIX = 'pikiraft-rejected: ';

export const raftService = {
  Stream: {
    path: RAFT_STREAM_PATH,
    requestStream: true,
    responseStream: true,
    requestSerialize: encodeRaftBatch,
    requestDeserialize: decodeRaftBatch,
    responseSerialize: encodeRaftAck,
    responseDeserialize: decodeRaftAck,
  } satisfies grpc.MethodDefinition<RaftBatch, RaftAck>,
};

export const forwardService = {
  Execute: {
    path: FORWARD_EXECUTE_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: encodeForwardRequest,
    requestDeserialize: decodeForwardRequest,
    responseSerialize: encodeForwardReply,
    responseDeserialize: decodeForwardReply,
  } satisfies grpc.MethodDefinition<ForwardRequest, ForwardReply>,
};

/** Frames are encoded before write() (to know their size), so the stream serializer is the identity. */
export const identity = (b: Buffer): Buffer => b;

/** "host:port" for gRPC, bracketing a bare IPv6 host. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}
