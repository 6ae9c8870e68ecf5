// The outbound Raft stream to one peer: a bounded queue, one long-lived gRPC
// bidi stream, reconnect with jittered exponential backoff.
//
// Delivery: at most once, in order, with gaps. Messages sent while a stream is
// being opened wait in the queue (within its limits) and go out once the peer
// accepts the stream. When an attempt fails or an open stream breaks, the queue
// is dropped (and counted) with whatever gRPC still buffered: the peer is
// unreachable, and Raft retransmits what matters, so a peer that is down never
// gets a burst of stale messages when it comes back, and memory stays bounded
// by the queue limits however long it is down.
import * as grpc from '@grpc/grpc-js';
import { backoffDelayMs } from './backoff.js';
import { encodeRaftBatch, decodeRaftAck, RAFT_STREAM_PATH, type RaftAck } from './codec.js';
import { channelCredentials } from './credentials.js';
import { invariant } from './errors.js';
import { channelOptions, maxFrameBytes, type ResolvedOptions } from './options.js';
import { PeerQueue } from './peer-queue.js';
import { HEADER_ACCEPTED, HEADER_CLUSTER_ID, HEADER_FROM, HEADER_TO, identity } from './services.js';

export interface PeerStats {
  queuedMessages: number;
  queuedBytes: number;
  /**
   * Messages that will never be sent: refused by send() (queue full, message
   * above maxMessageBytes, peer removed or transport closed) or dropped from the
   * queue when an attempt to reach the peer failed.
   */
  droppedMessages: number;
  /** RaftBatch frames handed to gRPC (written, not necessarily delivered). */
  sentBatches: number;
  sentMessages: number;
  /** Batches the peer confirmed it received (cumulative RaftAck counters). */
  ackedBatches: number;
  connected: boolean;
  /** Streams opened after a failed one (each reconnect attempt counts). */
  reconnects: number;
  /** Attempts that failed and streams that broke (each one dropped the queue). */
  streamFailures: number;
}

type State = 'connecting' | 'connected' | 'backoff' | 'closed';

export class PeerStream {
  readonly queue: PeerQueue;
  private state: State = 'backoff';
  private client: grpc.Client | null = null;
  private call: grpc.ClientDuplexStream<Buffer, RaftAck> | null = null;
  /** Bumped per stream; events of an older stream are ignored. */
  private generation = 0;
  private waitingForDrain = false;
  /** Consecutive failed streams: the backoff attempt number. */
  private failures = 0;
  private backoffTimer: NodeJS.Timeout | null = null;
  /** Cancels an attempt the peer has not accepted within connectTimeoutMs (a black-holed address). */
  private connectTimer: NodeJS.Timeout | null = null;
  private sentBatchesOnStream = 0;
  private ackedOnStream = 0;
  private ackedBeforeStream = 0;
  private droppedMessages = 0;
  private sentBatches = 0;
  private sentMessages = 0;
  private reconnects = 0;
  private streamFailures = 0;

  /** `onUnreachable` runs (from a gRPC event, never from send()) each time an attempt fails or the stream breaks. */
  constructor(
    readonly peerId: number,
    readonly address: string,
    private readonly o: ResolvedOptions,
    private readonly onUnreachable: (peerId: number) => void,
  ) {
    invariant(peerId !== o.nodeId, 'no stream to self');
    this.queue = new PeerQueue(o.maxQueuedMessagesPerPeer, o.maxQueuedBytesPerPeer);
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  start(): void {
    invariant(this.state === 'backoff' && this.call === null && this.backoffTimer === null, 'start once');
    this.open();
  }

  /** Queues what fits; returns true when something was queued (a flush is worth scheduling). */
  enqueue(messages: readonly Uint8Array[]): boolean {
    if (this.state === 'closed') {
      this.droppedMessages += messages.length;
      return false;
    }
    let queued = false;
    for (const m of messages) {
      if (m.byteLength <= this.o.maxMessageBytes && this.queue.push(m)) queued = true;
      else this.droppedMessages++;
    }
    return queued;
  }

  /** Writes queued messages as RaftBatch frames until the queue is empty or gRPC asks us to wait. */
  flush(): void {
    if (this.state !== 'connected' || this.waitingForDrain) return;
    const call = this.call;
    invariant(call !== null, 'connected stream has a call');
    const frameBytesMax = maxFrameBytes(this.o);
    while (this.queue.length > 0) {
      const { messages, bytes } = this.queue.take(this.o.maxBatchMessages, this.o.maxBatchBytes);
      const frame = encodeRaftBatch({
        from: this.o.nodeId,
        to: this.peerId,
        clusterId: this.o.clusterId,
        messages,
      });
      invariant(frame.length <= frameBytesMax, `frame ${frame.length} B within ${frameBytesMax} B (payload ${bytes} B)`);
      this.sentBatches++;
      this.sentBatchesOnStream++;
      this.sentMessages += messages.length;
      if (!call.write(frame)) {
        // gRPC's write buffer is full (slow peer or network): let it drain
        // before writing more, and let new messages wait in (and overflow) our queue.
        this.waitingForDrain = true;
        const generation = this.generation;
        call.once('drain', () => {
          if (generation !== this.generation) return;
          this.waitingForDrain = false;
          this.flush();
        });
        return;
      }
    }
  }

  stats(): PeerStats {
    return {
      queuedMessages: this.queue.length,
      queuedBytes: this.queue.byteLength,
      droppedMessages: this.droppedMessages,
      sentBatches: this.sentBatches,
      sentMessages: this.sentMessages,
      ackedBatches: this.ackedBeforeStream + this.ackedOnStream,
      connected: this.connected,
      reconnects: this.reconnects,
      streamFailures: this.streamFailures,
    };
  }

  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.dropStream();
    if (this.backoffTimer !== null) clearTimeout(this.backoffTimer);
    this.backoffTimer = null;
    this.droppedMessages += this.queue.clear();
  }

  private open(): void {
    invariant(this.state === 'backoff' && this.call === null, 'open from backoff without a stream');
    const generation = ++this.generation;
    // A fresh channel per attempt: its connection state is ours alone and no
    // hidden gRPC backoff delays the attempt our own backoff scheduled.
    const client = new grpc.Client(this.address, channelCredentials(), channelOptions(this.o));
    const metadata = new grpc.Metadata();
    metadata.set(HEADER_FROM, String(this.o.nodeId));
    metadata.set(HEADER_TO, String(this.peerId));
    metadata.set(HEADER_CLUSTER_ID, String(this.o.clusterId));
    const call = client.makeBidiStreamRequest(RAFT_STREAM_PATH, identity, decodeRaftAck, metadata, {});
    this.client = client;
    this.call = call;
    this.state = 'connecting';
    this.sentBatchesOnStream = 0;
    this.ackedOnStream = 0;
    this.connectTimer = setTimeout(() => {
      this.connectTimer = null;
      if (generation !== this.generation || this.state !== 'connecting') return;
      this.o.logger.debug({ peer: this.peerId, address: this.address, timeoutMs: this.o.connectTimeoutMs }, 'raft stream connect timed out');
      call.cancel(); // → status CANCELLED → onStreamEnd → backoff
    }, this.o.connectTimeoutMs);
    this.connectTimer.unref();
    call.on('metadata', (md: grpc.Metadata) => {
      if (generation !== this.generation || this.state !== 'connecting') return;
      if (md.get(HEADER_ACCEPTED).length === 0) return; // refused: the status follows
      this.clearConnectTimer();
      this.state = 'connected';
      this.failures = 0;
      this.o.logger.info({ peer: this.peerId, address: this.address, reconnects: this.reconnects }, 'raft stream connected');
      this.flush();
    });
    call.on('data', (ack: RaftAck) => {
      if (generation !== this.generation) return;
      // Peer input, not our invariant: a bad ack ends the stream instead of the process.
      if (ack.receivedBatches < this.ackedOnStream || ack.receivedBatches > this.sentBatchesOnStream) {
        this.o.logger.error(
          { peer: this.peerId, ack: ack.receivedBatches, acked: this.ackedOnStream, sent: this.sentBatchesOnStream },
          'raft stream: ack out of range, reconnecting',
        );
        call.cancel();
        return;
      }
      this.ackedOnStream = ack.receivedBatches;
    });
    // 'error' always comes with 'status'; the listener only keeps it from being thrown.
    call.on('error', () => {});
    call.on('status', (status: grpc.StatusObject) => this.onStreamEnd(generation, status));
  }

  private onStreamEnd(generation: number, status: grpc.StatusObject): void {
    if (generation !== this.generation || this.state === 'closed') return;
    const wasConnected = this.state === 'connected';
    this.dropStream();
    this.streamFailures++;
    const dropped = this.queue.clear();
    this.droppedMessages += dropped;
    const delayMs = backoffDelayMs(this.failures, this.o.reconnectBackoffMs, this.o.rng);
    const fields = {
      peer: this.peerId,
      address: this.address,
      code: grpc.status[status.code] ?? status.code,
      details: status.details,
      retryInMs: delayMs,
      droppedMessages: dropped,
    };
    if (status.code === grpc.status.FAILED_PRECONDITION) this.o.logger.error(fields, 'raft stream refused by peer');
    else if (wasConnected) this.o.logger.warn(fields, 'raft stream lost');
    else if (this.failures === 0) this.o.logger.info(fields, 'raft stream connect failed');
    else this.o.logger.debug(fields, 'raft stream connect failed');
    this.failures++;
    this.state = 'backoff';
    this.backoffTimer = setTimeout(() => {
      this.backoffTimer = null;
      this.reconnects++;
      this.open();
    }, delayMs);
    this.backoffTimer.unref();
    this.onUnreachable(this.peerId);
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    this.connectTimer = null;
  }

  /** Ends the current stream and its channel; whatever gRPC still buffered is lost. */
  private dropStream(): void {
    this.generation++;
    this.clearConnectTimer();
    this.ackedBeforeStream += this.ackedOnStream;
    this.ackedOnStream = 0;
    this.waitingForDrain = false;
    const call = this.call;
    const client = this.client;
    this.call = null;
    this.client = null;
    call?.cancel();
    client?.close();
  }
}
