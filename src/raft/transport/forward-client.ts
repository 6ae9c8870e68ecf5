// forward() to one peer: a follower proxies a client command to the leader.
//
// Outcome classes (DESIGN "Followers, errors and outcomes"): we first wait for
// a READY connection and only then start the call, so every failure before
// the call starts is definite (Unreachable: never sent). Once the call started,
// any failure but an explicit refusal is Indeterminate: the leader may have
// proposed the command even though we never saw the reply.
import * as grpc from '@grpc/grpc-js';
import { decodeForwardReply, encodeForwardRequest, FORWARD_EXECUTE_PATH, type ForwardReply, type ForwardRequest } from './codec.js';
import { channelCredentials } from './credentials.js';
import {
  ForwardIndeterminateError,
  ForwardRejectedError,
  ForwardUnreachableError,
  invariant,
  type ForwardError,
} from './errors.js';
import { channelOptions, type ResolvedOptions } from './options.js';
import { identity, REJECT_DETAILS_PREFIX } from './services.js';

export class ForwardClient {
  /** Long-lived: gRPC reconnects it in the background within our backoff bounds. */
  private readonly client: grpc.Client;
  private readonly pending = new Set<grpc.ClientUnaryCall>();
  private closed = false;

  constructor(
    readonly peerId: number,
    readonly address: string,
    private readonly o: ResolvedOptions,
  ) {
    this.client = new grpc.Client(address, channelCredentials(), channelOptions(o));
  }

  /**
   * `timeoutMs` bounds connecting and, unless `call.unbounded`, the call itself: a BLOCK call
   * lasts as long as its client waits. Aborting `call.signal` cancels the call (the client left).
   */
  execute(request: ForwardRequest, timeoutMs: number, call: ForwardCallOptions = {}): Promise<Uint8Array> {
    invariant(Number.isFinite(timeoutMs) && timeoutMs > 0, 'forward timeoutMs > 0');
    invariant(request.to === this.peerId, 'forward request addressed to this client');
    return new Promise<Uint8Array>((resolve, reject) => {
      const fail = (e: ForwardError): void => reject(e);
      if (call.signal?.aborted) return fail(new ForwardUnreachableError(this.peerId, 'forward: cancelled before it was sent'));
      if (this.closed) return fail(new ForwardUnreachableError(this.peerId, 'forward: transport closed'));
      const frame = encodeForwardRequest(request);
      if (frame.length > this.o.maxForwardBytes + 1024) {
        return fail(new ForwardRejectedError(this.peerId, `forward: request of ${frame.length} B above maxForwardBytes`));
      }
      const deadlineMs = Date.now() + timeoutMs;
      const channel = this.client.getChannel();
      const waitReady = (): void => {
        if (this.closed) return fail(new ForwardUnreachableError(this.peerId, 'forward: transport closed'));
        const state = channel.getConnectivityState(true);
        switch (state) {
          case grpc.connectivityState.READY:
            // A call started past its deadline fails with DEADLINE_EXCEEDED
            // without being sent; report that as what it is.
            if (Date.now() >= deadlineMs) break;
            return this.call(frame, call.unbounded ? Infinity : deadlineMs, call.signal, resolve, fail);
          case grpc.connectivityState.SHUTDOWN:
            return fail(new ForwardUnreachableError(this.peerId, 'forward: transport closed'));
          case grpc.connectivityState.TRANSIENT_FAILURE:
            // The last connection attempt failed. Fail fast rather than hold the
            // client for the whole timeout; gRPC keeps reconnecting in the background.
            return fail(new ForwardUnreachableError(this.peerId, `forward: peer ${this.peerId} at ${this.address} unreachable`));
          default:
            break; // IDLE or CONNECTING: wait for the outcome of the attempt
        }
        if (Date.now() >= deadlineMs) {
          return fail(new ForwardUnreachableError(this.peerId, `forward: no connection to peer ${this.peerId} within ${timeoutMs} ms`));
        }
        channel.watchConnectivityState(state, deadlineMs, (err?: Error) => {
          if (err) fail(new ForwardUnreachableError(this.peerId, `forward: no connection to peer ${this.peerId} within ${timeoutMs} ms`));
          else waitReady();
        });
      };
      waitReady();
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const call of this.pending) call.cancel(); // → Indeterminate: they were sent
    this.pending.clear();
    // Closing the channel wakes connection waiters with SHUTDOWN → Unreachable.
    this.client.close();
  }

  private call(
    frame: Buffer,
    deadlineMs: number,
    signal: AbortSignal | undefined,
    resolve: (reply: Uint8Array) => void,
    fail: (e: ForwardError) => void,
  ): void {
    const call = this.client.makeUnaryRequest(
      FORWARD_EXECUTE_PATH,
      identity,
      decodeForwardReply,
      frame,
      new grpc.Metadata(),
      { deadline: deadlineMs },
      (err: grpc.ServiceError | null, reply?: ForwardReply) => {
        this.pending.delete(call);
        if (err === null) {
          invariant(reply !== undefined, 'a successful call has a reply');
          return resolve(reply.reply);
        }
        if (err.code === grpc.status.FAILED_PRECONDITION && err.details.startsWith(REJECT_DETAILS_PREFIX)) {
          return fail(new ForwardRejectedError(this.peerId, `forward refused by peer ${this.peerId}: ${err.details.slice(REJECT_DETAILS_PREFIX.length)}`));
        }
        if (err.code === grpc.status.UNIMPLEMENTED) {
          // The peer has no Forward service (another program or version): nothing ran.
          return fail(new ForwardRejectedError(this.peerId, `forward refused by peer ${this.peerId}: ${err.details}`));
        }
        fail(
          new ForwardIndeterminateError(
            this.peerId,
            `forward to peer ${this.peerId}: outcome unknown (${grpc.status[err.code] ?? err.code}: ${err.details})`,
          ),
        );
      },
    );
    this.pending.add(call);
    if (signal !== undefined) {
      if (signal.aborted) call.cancel();
      else signal.addEventListener('abort', () => call.cancel(), { once: true });
    }
  }
}

export interface ForwardCallOptions {
  /** No deadline once the call started (BLOCK: the leader enforces the command's own timeout). */
  readonly unbounded?: boolean;
  /** Cancels the call when aborted. */
  readonly signal?: AbortSignal;
}
