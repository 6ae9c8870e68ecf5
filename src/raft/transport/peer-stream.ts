// The outbound Raft stream to one peer: a bounded queue, one long-lived gRPC
// bidi stream, reconnect with jittered exponential backoff.
//
// Delivery: at most once, in order, with gaps. Messages queued while the stream
// is down stay queued (within the queue limits) and go out after the reconnect;
// messages already written to a stream that then fails are lost. Raft
// retransmits, so loss only costs latency.
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
  /** Refused by send(): queue full, message above maxMessageBytes, or peer removed/closed. */
  droppedMessages: number;
  /** RaftBatch frames handed to gRPC (written, not necessarily delivered). */
  sentBatches: number;
  sentMessages: number;
  /** Batches the peer confirmed it received (cumulative RaftAck counters). */
  ackedBatches: number;
  connected: boolean;
  /** Streams opened after a failed one (each reconnect attempt counts). */
  reconnects: number;
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
  private sentBatchesOnStream = 0;
  private ackedOnStream = 0;
  private ackedBeforeStream = 0;
  private droppedMessages = 0;
  private sentBatches = 0;
  private sentMessages = 0;
  private reconnects = 0;

  constructor(
    readonly peerId: number,
    readonly address: string,
    private readonly o: ResolvedOptions,
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
    call.on('metadata', (md: grpc.Metadata) => {
      if (generation !== this.generation) return;
      if (md.get(HEADER_ACCEPTED).length === 0) return; // refused: the status follows
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
    const delayMs = backoffDelayMs(this.failures, this.o.reconnectBackoffMs, this.o.rng);
    const fields = {
      peer: this.peerId,
      address: this.address,
      code: grpc.status[status.code] ?? status.code,
      details: status.details,
      retryInMs: delayMs,
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
  }

  /** Ends the current stream and its channel; whatever gRPC still buffered is lost. */
  private dropStream(): void {
    this.generation++;
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
