// GrpcTransport: node-to-node messaging over gRPC (DESIGN "Raft" → Transport).
//
// Carries opaque encoded Raft messages (the node driver encodes them), one
// outbound stream per peer (see peer-stream.ts for delivery semantics), and
// forwards client commands from followers to the leader (forward-client.ts).
// Snapshot streaming will be a separate service on its own streams.
import * as grpc from '@grpc/grpc-js';
import type { ForwardKind, ForwardRequest, ForwardReply, RaftAck, RaftBatch } from './codec.js';
import { serverCredentials } from './credentials.js';
import { invariant, ForwardUnreachableError } from './errors.js';
import { ForwardClient, type ForwardCallOptions } from './forward-client.js';
import { resolveOptions, serverOptions, validatePeers, type ResolvedOptions, type TransportOptions } from './options.js';
import { PeerStream, type PeerStats } from './peer-stream.js';
import {
  forwardService,
  HEADER_ACCEPTED,
  HEADER_CLUSTER_ID,
  HEADER_FROM,
  HEADER_TO,
  hostPort,
  raftService,
  REJECT_DETAILS_PREFIX,
} from './services.js';

export interface ForwardedCommand {
  db: number;
  argv: Buffer[];
  /** Node id of the follower that forwarded it. */
  from: number;
  kind: ForwardKind;
  /** block/unblock: the client's id on the forwarding node. */
  clientId: number;
  /** Aborted when the caller cancelled the call (a BLOCK call's client went away). */
  cancelled: AbortSignal;
}

export interface TransportHandlers {
  /**
   * Raft messages from one peer, in the order it sent them. Called synchronously
   * from the socket read path: decode and step, don't block. The arrays
   * reference the receive buffer; copy what must outlive the call.
   */
  onMessages(from: number, messages: Uint8Array[]): void;
  /**
   * Execute a forwarded command; resolve with the encoded reply (the server
   * decides the encoding). A rejection reaches the caller as Indeterminate, so
   * answer definite failures (not leader, wrong type...) as replies instead.
   */
  onForward(req: ForwardedCommand): Promise<Uint8Array>;
  /**
   * Optional: an attempt to reach `peer` failed or its stream broke, and the
   * messages queued for it were dropped (etcd's ReportUnreachable). Called from
   * a gRPC event, never from inside send(); at most once per attempt, so at
   * most once per reconnect backoff interval while the peer stays down.
   */
  onUnreachable?(peer: number): void;
}

export interface TransportStats {
  perPeer: Map<number, PeerStats>;
  /** RaftBatch frames received and handed to onMessages. */
  receivedBatches: number;
  receivedMessages: number;
  /** Inbound streams or forwards refused: wrong cluster id, wrong node id, bad sender. */
  rejectedStreams: number;
  /** Messages given to send() for an id that is not a peer. */
  droppedUnknownPeerMessages: number;
}

/** Server side of one peer's inbound Raft stream. */
interface InboundStream {
  readonly from: number;
  readonly call: grpc.ServerDuplexStream<RaftBatch, RaftAck>;
  receivedBatches: number;
  ackBlocked: boolean;
  closed: boolean;
}

/** close() waits at most this long for the listener and sockets to finish closing. */
const SHUTDOWN_WAIT_MS_MAX = 2000;

function headerInt(md: grpc.Metadata, key: string): number {
  const v = md.get(key)[0];
  if (typeof v !== 'string' || !/^\d{1,16}$/.test(v)) return NaN;
  return Number(v);
}

export class GrpcTransport {
  private readonly peerStreams = new Map<number, PeerStream>();
  private readonly forwardClients = new Map<number, ForwardClient>();
  private readonly inbound = new Set<InboundStream>();
  private readonly dirtyPeers = new Set<PeerStream>();
  private readonly pendingAcks = new Set<InboundStream>();
  private flushImmediate: NodeJS.Immediate | null = null;
  private ackImmediate: NodeJS.Immediate | null = null;
  private listenPort = 0;
  private closing: Promise<void> | null = null;
  private receivedBatches = 0;
  private receivedMessages = 0;
  private rejectedStreams = 0;
  private droppedUnknownPeerMessages = 0;

  private constructor(
    private readonly o: ResolvedOptions,
    private readonly handlers: TransportHandlers,
    private readonly server: grpc.Server,
  ) {}

  static async start(opts: TransportOptions, handlers: TransportHandlers): Promise<GrpcTransport> {
    const o = resolveOptions(opts);
    const server = new grpc.Server(serverOptions(o));
    const t = new GrpcTransport(o, handlers, server);
    server.addService(raftService, {
      Stream: (call: grpc.ServerDuplexStream<RaftBatch, RaftAck>) => t.acceptRaftStream(call),
    });
    server.addService(forwardService, {
      Execute: (call: grpc.ServerUnaryCall<ForwardRequest, ForwardReply>, done: grpc.sendUnaryData<ForwardReply>) =>
        t.acceptForward(call, done),
    });
    try {
      t.listenPort = await new Promise<number>((resolve, reject) =>
        server.bindAsync(hostPort(o.listenHost, o.listenPort), serverCredentials(), (err, port) =>
          err ? reject(err) : resolve(port),
        ),
      );
    } catch (err) {
      server.forceShutdown();
      throw err;
    }
    invariant(t.listenPort > 0 && (o.listenPort === 0 || t.listenPort === o.listenPort), 'bound the requested port');
    o.logger.info({ nodeId: o.nodeId, clusterId: o.clusterId, port: t.listenPort, peers: [...o.peers.keys()] }, 'transport listening');
    for (const [id, address] of o.peers) t.addPeer(id, address);
    return t;
  }

  /** Actual listen port (an ephemeral one when listenPort was 0). */
  get port(): number {
    return this.listenPort;
  }

  /**
   * Queues messages for `to`; they leave with everything else queued for `to`
   * in this event-loop turn as one RaftBatch (split only by the batch limits).
   * Per peer, what arrives arrives in send order, at most once, possibly with
   * gaps. Never blocks and never throws for an unreachable or unknown peer: what
   * does not fit the queue, and what is queued when an attempt to reach the
   * peer fails, is dropped and counted (Raft retransmits). No-op after close().
   */
  send(to: number, messages: readonly Uint8Array[]): void {
    invariant(to !== this.o.nodeId, 'send to self');
    if (this.closing !== null || messages.length === 0) return;
    const peer = this.peerStreams.get(to);
    if (peer === undefined) {
      this.droppedUnknownPeerMessages += messages.length;
      return;
    }
    if (!peer.enqueue(messages)) return;
    this.dirtyPeers.add(peer);
    if (this.flushImmediate === null) {
      this.flushImmediate = setImmediate(() => this.flushDirtyPeers());
    }
  }

  /**
   * Executes a client command on peer `to` (the leader) and resolves with the
   * reply its onForward produced. `timeoutMs` covers connecting and executing.
   * Rejects with ForwardUnreachableError (no connection: never sent) or
   * ForwardRejectedError (refused by the peer before running: wrong cluster or
   * node id, no Forward service, request too large) when the command certainly
   * did not run, and with ForwardIndeterminateError when it may have (sent, then
   * no answer in time, connection lost, handler failed, or this transport closed).
   */
  forward(
    to: number,
    req: { db: number; argv: Buffer[]; kind?: ForwardKind; clientId?: number },
    timeoutMs: number,
    call: ForwardCallOptions = {},
  ): Promise<Uint8Array> {
    invariant(to !== this.o.nodeId, 'forward to self');
    invariant(Number.isInteger(req.db) && req.db >= 0 && req.db <= 0xffffffff, 'forward db is a uint32');
    invariant(req.argv.length > 0, 'forward argv is not empty');
    if (this.closing !== null) return Promise.reject(new ForwardUnreachableError(to, 'forward: transport closed'));
    const address = this.o.peers.get(to);
    if (address === undefined) return Promise.reject(new ForwardUnreachableError(to, `forward: ${to} is not a peer`));
    let client = this.forwardClients.get(to);
    if (client === undefined) {
      client = new ForwardClient(to, address, this.o);
      this.forwardClients.set(to, client);
    }
    const request = { db: req.db, argv: req.argv, from: this.o.nodeId, clusterId: this.o.clusterId, to, kind: req.kind ?? 'execute', clientId: req.clientId ?? 0 };
    return client.execute(request, timeoutMs, call);
  }

  /**
   * Replaces the peer set (membership change). Removed peers and peers whose
   * address changed lose their queue and connections; new peers connect now.
   */
  setPeers(peers: Map<number, string>): void {
    if (this.closing !== null) return;
    validatePeers(this.o.nodeId, peers);
    for (const [id, address] of this.o.peers) {
      if (peers.get(id) === address) continue;
      this.peerStreams.get(id)?.close();
      this.peerStreams.delete(id);
      this.forwardClients.get(id)?.close();
      this.forwardClients.delete(id);
    }
    for (const [id, address] of peers) {
      if (!this.peerStreams.has(id)) this.addPeer(id, address);
    }
    this.o.peers = new Map(peers);
    invariant(this.peerStreams.size === peers.size, 'one stream per peer');
  }

  /** Whether the Raft stream to `to` is established (accepted by the peer). */
  reachable(to: number): boolean {
    return this.peerStreams.get(to)?.connected ?? false;
  }

  stats(): TransportStats {
    const perPeer = new Map<number, PeerStats>();
    for (const [id, p] of this.peerStreams) perPeer.set(id, p.stats());
    return {
      perPeer,
      receivedBatches: this.receivedBatches,
      receivedMessages: this.receivedMessages,
      rejectedStreams: this.rejectedStreams,
      droppedUnknownPeerMessages: this.droppedUnknownPeerMessages,
    };
  }

  /** Closes streams, channels and the server and cancels timers. Idempotent. */
  close(): Promise<void> {
    if (this.closing === null) this.closing = this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    if (this.flushImmediate !== null) clearImmediate(this.flushImmediate);
    if (this.ackImmediate !== null) clearImmediate(this.ackImmediate);
    this.flushImmediate = null;
    this.ackImmediate = null;
    this.dirtyPeers.clear();
    this.pendingAcks.clear();
    for (const p of this.peerStreams.values()) p.close();
    for (const f of this.forwardClients.values()) f.close();
    this.forwardClients.clear();
    for (const s of this.inbound) s.closed = true;
    this.inbound.clear();
    // Raft traffic is lossy by design and in-flight forwards end as
    // Indeterminate on the caller's side, so there is nothing to drain:
    // tryShutdown only registers "listener and sessions closed" callbacks,
    // forceShutdown then cuts every connection at once.
    await new Promise<void>((resolve) => {
      const fallback = setTimeout(resolve, SHUTDOWN_WAIT_MS_MAX);
      fallback.unref();
      this.server.tryShutdown(() => {
        clearTimeout(fallback);
        resolve();
      });
      this.server.forceShutdown();
    });
    this.o.logger.info({ nodeId: this.o.nodeId }, 'transport closed');
  }

  private addPeer(id: number, address: string): void {
    invariant(!this.peerStreams.has(id), 'peer added once');
    const p = new PeerStream(id, address, this.o, (peer) => {
      if (this.closing === null) this.handlers.onUnreachable?.(peer);
    });
    this.peerStreams.set(id, p);
    p.start();
  }

  private flushDirtyPeers(): void {
    this.flushImmediate = null;
    for (const p of this.dirtyPeers) p.flush();
    this.dirtyPeers.clear();
  }

  /** Why a (from, to, clusterId) identity is refused, or null when it is ours. */
  private identityProblem(from: number, to: number, clusterId: number): string | null {
    if (clusterId !== this.o.clusterId) return `cluster id ${clusterId}, this node is in cluster ${this.o.clusterId}`;
    if (to !== this.o.nodeId) return `addressed to node ${to}, this is node ${this.o.nodeId}`;
    if (!Number.isSafeInteger(from) || from <= 0 || from === this.o.nodeId) return `bad sender id ${from}`;
    return null;
  }

  private acceptRaftStream(call: grpc.ServerDuplexStream<RaftBatch, RaftAck>): void {
    const from = headerInt(call.metadata, HEADER_FROM);
    const problem =
      this.closing !== null
        ? 'transport closing'
        : this.identityProblem(from, headerInt(call.metadata, HEADER_TO), headerInt(call.metadata, HEADER_CLUSTER_ID));
    if (problem !== null) {
      this.refuseStream(call, from, problem);
      return;
    }
    // A peer has one outbound stream to us at a time, so an older one from the
    // same id is dead (the peer restarted or reconnected before we noticed):
    // ignore whatever still arrives on it, so nothing older is handed to
    // onMessages after anything newer.
    for (const old of this.inbound) {
      if (old.from !== from) continue;
      old.closed = true;
      this.inbound.delete(old);
      this.pendingAcks.delete(old);
      old.call.emit('error', { code: grpc.status.ABORTED, details: 'superseded by a newer stream from the same peer' });
    }
    const s: InboundStream = { from, call, receivedBatches: 0, ackBlocked: false, closed: false };
    this.inbound.add(s);
    const md = new grpc.Metadata();
    md.set(HEADER_ACCEPTED, '1');
    call.sendMetadata(md);
    this.o.logger.debug({ peer: from, remote: call.getPeer() }, 'raft stream accepted');
    const finish = (): void => {
      s.closed = true;
      this.inbound.delete(s);
      this.pendingAcks.delete(s);
    };
    call.on('data', (batch: RaftBatch) => {
      if (s.closed) return;
      const bad =
        batch.from !== from ? `batch from ${batch.from} on the stream of ${from}` : this.identityProblem(batch.from, batch.to, batch.clusterId);
      if (bad !== null) {
        finish();
        this.refuseStream(call, from, bad);
        return;
      }
      s.receivedBatches++;
      this.receivedBatches++;
      this.receivedMessages += batch.messages.length;
      this.scheduleAck(s);
      if (batch.messages.length > 0) this.handlers.onMessages(from, batch.messages);
    });
    call.on('end', () => {
      // The sender half-closed: finish our half with OK.
      finish();
      call.end();
    });
    call.on('cancelled', finish);
    call.on('error', finish);
    call.on('close', finish);
  }

  private refuseStream(call: grpc.ServerDuplexStream<RaftBatch, RaftAck>, from: number, reason: string): void {
    this.rejectedStreams++;
    this.o.logger.warn({ peer: from, remote: call.getPeer(), reason }, 'raft stream refused');
    // grpc-js turns an emitted error into the call's status and ends it.
    call.emit('error', { code: grpc.status.FAILED_PRECONDITION, details: REJECT_DETAILS_PREFIX + reason });
  }

  /** Acks are cumulative, so one per stream per event-loop turn is enough. */
  private scheduleAck(s: InboundStream): void {
    this.pendingAcks.add(s);
    if (this.ackImmediate === null) this.ackImmediate = setImmediate(() => this.sendAcks());
  }

  private sendAcks(): void {
    this.ackImmediate = null;
    for (const s of this.pendingAcks) {
      if (s.closed || s.ackBlocked) continue;
      if (!s.call.write({ receivedBatches: s.receivedBatches })) {
        // The sender does not read fast enough; the next ack carries the newer count.
        s.ackBlocked = true;
        s.call.once('drain', () => {
          s.ackBlocked = false;
          if (!s.closed) this.scheduleAck(s);
        });
      }
    }
    this.pendingAcks.clear();
  }

  private acceptForward(
    call: grpc.ServerUnaryCall<ForwardRequest, ForwardReply>,
    done: grpc.sendUnaryData<ForwardReply>,
  ): void {
    const r = call.request;
    const problem =
      this.closing !== null
        ? 'transport closing'
        : (this.identityProblem(r.from, r.to, r.clusterId) ?? (r.argv.length === 0 ? 'empty argv' : null));
    if (problem !== null) {
      this.rejectedStreams++;
      this.o.logger.warn({ peer: r.from, remote: call.getPeer(), reason: problem }, 'forward refused');
      done({ code: grpc.status.FAILED_PRECONDITION, details: REJECT_DETAILS_PREFIX + problem });
      return;
    }
    const cancelled = new AbortController();
    call.on('cancelled', () => cancelled.abort());
    let reply: Promise<Uint8Array>;
    try {
      reply = this.handlers.onForward({ db: r.db, argv: r.argv, from: r.from, kind: r.kind, clientId: r.clientId, cancelled: cancelled.signal });
    } catch (err) {
      reply = Promise.reject(err);
    }
    reply.then(
      (bytes) => {
        if (!call.cancelled) done(null, { reply: bytes });
      },
      (err: unknown) => {
        // The handler may have proposed before failing: the caller sees Indeterminate.
        this.o.logger.error({ peer: r.from, err }, 'forward handler failed');
        if (!call.cancelled) done({ code: grpc.status.INTERNAL, details: err instanceof Error ? err.message : String(err) });
      },
    );
  }
}
