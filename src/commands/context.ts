// What a command sees when it runs. Commands know nothing of sockets, Raft or RocksDB:
// reads get a Keyspace view, writes a MutableKeyspace inside one deterministic apply batch,
// connection/server commands a Session.
import type { ProtocolVersion } from '../resp/encoder.js';
import type { Keyspace, KeyCounts, MutableKeyspace } from '../state-machine/keyspace.js';
import type { Rng } from '../util/rng.js';
import type { Reply } from '../resp/reply.js';

export interface ReadContext {
  readonly db: number;
  readonly ks: Keyspace;
  /** Key and expire counts of a logical database (DBSIZE, INFO keyspace). */
  counts(db: number): KeyCounts;
  readonly scanCursors: ScanCursors;
  /** Randomness for read commands (RANDOMKEY): local, not replicated. */
  readonly rng: Rng;
}

export interface WriteContext {
  readonly db: number;
  readonly ks: MutableKeyspace;
  /** The entry's seeded RNG: the only randomness allowed in apply. */
  readonly rng: Rng;
  readonly nowMs: number;
  readonly maxBulkBytes: number;
}

/** Server-side SCAN cursors: numeric ids that remember the last key returned. */
export interface ScanCursors {
  resolve(cursor: bigint): Buffer | null;
  register(lastKey: Buffer): bigint;
}

/** A client that can receive pub/sub messages. */
export interface Subscriber {
  /** Queues an out-of-band reply (subscribe confirmations, messages) after those already queued. */
  sendPush(reply: Reply): void;
}

/** The node-local pub/sub registry (server/pubsub.ts); counts are the client's channels + patterns. */
export interface PubSubApi {
  subscribe(s: Subscriber, channel: Buffer): number;
  unsubscribe(s: Subscriber, channel: Buffer): number;
  psubscribe(s: Subscriber, pattern: Buffer): number;
  punsubscribe(s: Subscriber, pattern: Buffer): number;
  channelsOf(s: Subscriber): Buffer[];
  patternsOf(s: Subscriber): Buffer[];
  channelCount(s: Subscriber): number;
  patternCount(s: Subscriber): number;
  subscriptionCount(s: Subscriber): number;
  removeAll(s: Subscriber): void;
  /** Delivers to this node's subscribers; returns how many received it. */
  publish(channel: Buffer, message: Buffer): number;
  activeChannels(pattern: Buffer | null): Buffer[];
  numsub(channel: Buffer): number;
  numpat(): number;
}

/** Clients blocked in BLPOP and the like (server/blocking.ts), by client id. */
export interface BlockingApi {
  isBlocked(clientId: number): boolean;
  blockedCount(): number;
  /** On the leader: clients of followers waiting in this node's queue (see server/blocked-clients.ts). */
  followerBlockedCount(): number;
  /** CLIENT UNBLOCK: releases a blocked client with nil (reply null) or the given error. */
  unblock(clientId: number, reply: Reply | null): boolean;
  disconnect(clientId: number): void;
}

/** A key WATCHed by a client, with the log index the client's view was at when it watched it. */
export interface WatchedKey {
  readonly db: number;
  readonly key: Buffer;
  readonly index: number;
}

/** MULTI/EXEC state of a connection. */
export interface TransactionState {
  /** Commands queued since MULTI; null outside MULTI. */
  queued: Buffer[][] | null;
  /** A command was refused while queuing: EXEC answers EXECABORT. */
  aborted: boolean;
  watched: WatchedKey[];
}

/** A client connection as connection/server commands see it. */
export interface Session extends Subscriber {
  readonly id: number;
  db: number;
  proto: ProtocolVersion;
  name: string;
  authenticated: boolean;
  replyMode: 'on' | 'off' | 'skip';
  /** READONLY: reads on a follower skip the leader check (stale local reads, as in Redis Cluster). */
  readonlyReads: boolean;
  readonly transaction: TransactionState;
  readonly server: ServerApi;
  /** Closes the connection after the current reply is written. */
  closeAfterReply(): void;
  /** CLIENT INFO / CLIENT LIST line for this client. */
  describe(): string;
  /** Clears per-connection state (RESET). */
  reset(): void;
  /** Closes the connection now, dropping pending replies (CLIENT KILL). */
  kill(): void;
  readonly remoteAddress: string;
  readonly localAddress: string;
}

export interface ServerApi {
  readonly startTimeMs: number;
  readonly runId: string;
  readonly config: ConfigApi;
  readonly pubsub: PubSubApi;
  readonly blocking: BlockingApi;
  info(sections: readonly string[]): string;
  clients(): readonly Session[];
  /** CLIENT KILL: closes matching clients, returns how many. */
  killClients(filter: ClientFilter, self: Session): number;
  /** SHUTDOWN: stop accepting, finish in-flight writes, flush, exit. */
  shutdown(): void;
  lastSaveUnixSec(): number;
  resetStats(): void;
  commandTable(): import('./table.js').CommandTable;
  requiresAuth(): boolean;
  /** WATCH: the log index a read issued now (after the session's earlier commands) is linearized at. */
  watchIndex(session: Session): Promise<number>;
  /** EXEC: runs the session's queued transaction and clears its MULTI and WATCH state. */
  exec(session: Session): Promise<Reply>;
  checkPassword(user: string, password: string): boolean;
  protocolError(session: Session, message: string): void;
}

export interface ClientFilter {
  id?: number;
  addr?: string;
  laddr?: string;
  skipMe: boolean;
  user?: string;
  type?: string;
}

export interface ConfigApi {
  get(patterns: readonly string[]): [string, string][];
  /** Returns an error text, or null when every pair was applied. */
  set(pairs: readonly [string, string][]): string | null;
  rewrite(): string | null;
}
