// Transport options, their defaults, and the gRPC channel/server settings derived from them.
import type * as grpc from '@grpc/grpc-js';
import type { BackoffConfigMs } from './backoff.js';
import { raftBatchSizeBoundBytes } from './codec.js';
import { invariant } from './errors.js';

/** pino-compatible logger subset. */
export interface TransportLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface TransportOptions {
  /** This node's Raft id (≥ 1; 0 means "none" in Raft). */
  nodeId: number;
  clusterId: number;
  listenHost: string;
  /** 0 picks an ephemeral port; read it back from `GrpcTransport.port`. */
  listenPort: number;
  /** Peer id → "host:port" of its transport. Must not contain nodeId. */
  peers: Map<number, string>;
  logger: TransportLogger;
  /** Default 4096. */
  maxQueuedMessagesPerPeer?: number;
  /** Default 64 MiB. */
  maxQueuedBytesPerPeer?: number;
  /** Default { initial: 100, max: 2000 }. */
  reconnectBackoffMs?: BackoffConfigMs;
  /** Messages per RaftBatch frame. Default 1024. */
  maxBatchMessages?: number;
  /** Payload bytes per RaftBatch frame (a single larger message still goes alone). Default 4 MiB. */
  maxBatchBytes?: number;
  /**
   * Largest single message accepted by send(), and with the batch limits the
   * largest frame a receiver accepts. Give every node the same limits. Default 16 MiB.
   */
  maxMessageBytes?: number;
  /** Largest encoded forward request or reply. Default 64 MiB. */
  maxForwardBytes?: number;
  /** HTTP/2 ping interval; a dead peer is noticed within keepaliveTimeMs + keepaliveTimeoutMs. Default 2000. */
  keepaliveTimeMs?: number;
  /** Default 2000. */
  keepaliveTimeoutMs?: number;
  /**
   * An attempt to open the Raft stream that the peer has not accepted within
   * this time is abandoned and retried after backoff (a black-holed address
   * would otherwise hold it for the OS connect timeout). Default 5000.
   */
  connectTimeoutMs?: number;
  /** Jitter source for reconnect backoff, [0, 1). Default Math.random (the transport is I/O, not core). */
  rng?: () => number;
}

export const TRANSPORT_DEFAULTS = {
  maxQueuedMessagesPerPeer: 4096,
  maxQueuedBytesPerPeer: 64 * 1024 * 1024,
  reconnectBackoffMs: { initial: 100, max: 2000 },
  maxBatchMessages: 1024,
  maxBatchBytes: 4 * 1024 * 1024,
  maxMessageBytes: 16 * 1024 * 1024,
  maxForwardBytes: 64 * 1024 * 1024,
  keepaliveTimeMs: 2000,
  keepaliveTimeoutMs: 2000,
  connectTimeoutMs: 5000,
} as const;

export type ResolvedOptions = Required<TransportOptions>;

const isPositiveInt = (n: number): boolean => Number.isSafeInteger(n) && n > 0;

export function validatePeers(nodeId: number, peers: Map<number, string>): void {
  for (const [id, address] of peers) {
    invariant(isPositiveInt(id), `peer id ${id} is a positive integer`);
    invariant(id !== nodeId, `peer map does not contain this node (${nodeId})`);
    invariant(/^[^\s]+:\d+$/.test(address), `peer ${id} address "${address}" is host:port`);
  }
}

export function resolveOptions(opts: TransportOptions): ResolvedOptions {
  const r: ResolvedOptions = {
    ...opts,
    peers: new Map(opts.peers),
    maxQueuedMessagesPerPeer: opts.maxQueuedMessagesPerPeer ?? TRANSPORT_DEFAULTS.maxQueuedMessagesPerPeer,
    maxQueuedBytesPerPeer: opts.maxQueuedBytesPerPeer ?? TRANSPORT_DEFAULTS.maxQueuedBytesPerPeer,
    reconnectBackoffMs: opts.reconnectBackoffMs ?? { ...TRANSPORT_DEFAULTS.reconnectBackoffMs },
    maxBatchMessages: opts.maxBatchMessages ?? TRANSPORT_DEFAULTS.maxBatchMessages,
    maxBatchBytes: opts.maxBatchBytes ?? TRANSPORT_DEFAULTS.maxBatchBytes,
    maxMessageBytes: opts.maxMessageBytes ?? TRANSPORT_DEFAULTS.maxMessageBytes,
    maxForwardBytes: opts.maxForwardBytes ?? TRANSPORT_DEFAULTS.maxForwardBytes,
    keepaliveTimeMs: opts.keepaliveTimeMs ?? TRANSPORT_DEFAULTS.keepaliveTimeMs,
    keepaliveTimeoutMs: opts.keepaliveTimeoutMs ?? TRANSPORT_DEFAULTS.keepaliveTimeoutMs,
    connectTimeoutMs: opts.connectTimeoutMs ?? TRANSPORT_DEFAULTS.connectTimeoutMs,
    rng: opts.rng ?? Math.random,
  };
  invariant(isPositiveInt(r.nodeId), 'nodeId is a positive integer');
  invariant(Number.isSafeInteger(r.clusterId) && r.clusterId >= 0, 'clusterId is a non-negative integer');
  invariant(Number.isInteger(r.listenPort) && r.listenPort >= 0 && r.listenPort <= 65535, 'listenPort in 0..65535');
  invariant(r.listenHost.length > 0, 'listenHost is set');
  invariant(isPositiveInt(r.maxQueuedMessagesPerPeer), 'maxQueuedMessagesPerPeer > 0');
  invariant(isPositiveInt(r.maxQueuedBytesPerPeer), 'maxQueuedBytesPerPeer > 0');
  invariant(isPositiveInt(r.maxBatchMessages), 'maxBatchMessages > 0');
  invariant(isPositiveInt(r.maxBatchBytes), 'maxBatchBytes > 0');
  invariant(isPositiveInt(r.maxMessageBytes), 'maxMessageBytes > 0');
  invariant(r.maxMessageBytes <= r.maxQueuedBytesPerPeer, 'a maximal message fits in a peer queue');
  invariant(isPositiveInt(r.maxForwardBytes), 'maxForwardBytes > 0');
  invariant(isPositiveInt(r.keepaliveTimeMs) && isPositiveInt(r.keepaliveTimeoutMs), 'keepalive times > 0');
  invariant(isPositiveInt(r.connectTimeoutMs), 'connectTimeoutMs > 0');
  const b = r.reconnectBackoffMs;
  invariant(isPositiveInt(b.initial) && isPositiveInt(b.max) && b.initial <= b.max, 'backoff 0 < initial <= max');
  invariant(maxFrameBytes(r) <= 2 ** 31 - 1, 'largest frame fits a gRPC message length');
  validatePeers(r.nodeId, r.peers);
  return r;
}

/** Largest encoded RaftBatch this configuration produces (and therefore accepts). */
export function maxFrameBytes(o: ResolvedOptions): number {
  return raftBatchSizeBoundBytes(o.maxBatchMessages, Math.max(o.maxBatchBytes, o.maxMessageBytes));
}

function maxReceiveBytes(o: ResolvedOptions): number {
  // Forward messages: argv + ids, or a reply; the 1 KiB covers field tags and ids.
  return Math.max(maxFrameBytes(o), o.maxForwardBytes + 1024);
}

function keepaliveOptions(o: ResolvedOptions): grpc.ChannelOptions {
  return {
    'grpc.keepalive_time_ms': o.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': o.keepaliveTimeoutMs,
    'grpc.keepalive_permit_without_calls': 1,
  };
}

export function serverOptions(o: ResolvedOptions): grpc.ServerOptions {
  return {
    ...keepaliveOptions(o),
    'grpc.max_receive_message_length': maxReceiveBytes(o),
    'grpc.max_send_message_length': maxReceiveBytes(o),
  };
}

/** Settings of every client channel to a peer. */
export function channelOptions(o: ResolvedOptions): grpc.ChannelOptions {
  return {
    ...keepaliveOptions(o),
    'grpc.max_receive_message_length': maxReceiveBytes(o),
    'grpc.max_send_message_length': maxReceiveBytes(o),
    // Our own connection per channel: the global pool would share a subchannel
    // (and its reconnect backoff state) between channels to the same address.
    'grpc.use_local_subchannel_pool': 1,
    // One attempt per call: forward() must know whether its request may have run.
    'grpc.enable_retries': 0,
    // The forward channel reconnects on its own; keep its backoff in our bounds.
    'grpc.initial_reconnect_backoff_ms': o.reconnectBackoffMs.initial,
    'grpc.max_reconnect_backoff_ms': o.reconnectBackoffMs.max,
  };
}
