// One client connection: parses requests, dispatches them in order and writes replies in request
// order. Consecutive reads run together and consecutive writes are proposed together; a read waits
// for this client's earlier writes, and a write for its earlier reads, so a client always observes
// its own operations in the order it sent them.
import type { Socket } from 'node:net';
import { RespParser } from '../resp/parser.js';
import { encodeReply, chunksToBuffer, type ProtocolVersion } from '../resp/encoder.js';
import { err, type Reply } from '../resp/reply.js';
import type { Session, ServerApi, TransactionState } from '../commands/context.js';
import { clearTransaction } from '../commands/transaction.js';
import type { Dispatcher } from './dispatch.js';

type Slot = { reply: Reply | null; promise: Promise<Reply> | null };

export class Connection implements Session {
  db = 0;
  proto: ProtocolVersion = 2;
  name = '';
  authenticated: boolean;
  replyMode: 'on' | 'off' | 'skip' = 'on';
  readonlyReads = false;
  readonly transaction: TransactionState = { queued: null, aborted: false, watched: [] };
  readonly createdMs = Date.now();
  lastInteractionMs = Date.now();
  lastCommand = 'NULL';
  readonly remoteAddress: string;
  readonly localAddress: string;
  private readonly parser: RespParser;
  private readonly slots: Slot[] = [];
  private out: (string | Buffer)[] = [];
  private writeScheduled = false;
  private closing = false;
  private closed = false;
  private pushesSilenced = false;
  /** A blocking command in progress: later commands wait in the parser until it is answered. */
  private held: Promise<unknown> | null = null;
  /** Settles when this client's latest write (or read) has been applied (or executed). */
  lastWrite: Promise<unknown> | null = null;
  lastRead: Promise<unknown> | null = null;
  onClose: () => void = () => {};

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    readonly server: ServerApi,
    private readonly dispatcher: Dispatcher,
    limits: { maxBulkBytes: number; maxQueryBufferBytes: number },
    requiresAuth: boolean,
  ) {
    this.authenticated = !requiresAuth;
    this.parser = new RespParser({ ...limits, authRequired: () => !this.authenticated });
    this.remoteAddress = `${socket.remoteAddress}:${socket.remotePort}`;
    this.localAddress = `${socket.localAddress}:${socket.localPort}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.destroy());
  }

  get queryBufferBytes(): number {
    return this.parser.bufferedBytes;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Whether this client waits in a blocking command (CLIENT LIST flag b, INFO blocked_clients). */
  get isBlocked(): boolean {
    return this.server.blocking.isBlocked(this.id);
  }

  /** Holds later commands until `p` settles (a blocking command), then resumes them. */
  hold(p: Promise<unknown>): void {
    this.held = p;
    const resume = (): void => {
      if (this.held !== p) return;
      this.held = null;
      this.processInput();
    };
    p.then(resume, resume);
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    this.lastInteractionMs = Date.now();
    this.parser.feed(chunk);
    this.processInput();
  }

  private processInput(): void {
    while (!this.closing && this.held === null) {
      const r = this.parser.next();
      if (r.kind === 'incomplete') break;
      if (r.kind === 'error') {
        if (r.reply) this.push({ reply: err(r.message), promise: null });
        this.server.protocolError(this, r.message);
        this.closeAfterReply();
        break;
      }
      this.lastCommand = r.argv[0]!.toString('latin1').toLowerCase();
      const skip = this.replyMode === 'skip';
      if (skip) this.replyMode = 'on';
      // Pushes made while the command runs (SUBSCRIBE confirmations) are its replies: SKIP drops them too.
      this.pushesSilenced = skip;
      const result = this.dispatcher.dispatch(this, r.argv);
      this.pushesSilenced = false;
      const silent = skip || this.replyMode === 'off';
      if (result instanceof Promise) this.push({ reply: null, promise: silent ? result.then(() => NONE_REPLY) : result });
      else this.push({ reply: silent && result.t !== 'none' ? NONE_REPLY : result, promise: null });
      if (this.closing) break;
    }
  }

  private push(slot: Slot): void {
    this.slots.push(slot);
    if (slot.promise) {
      slot.promise.then(
        (reply) => {
          slot.reply = reply;
          slot.promise = null;
          this.drain();
        },
        (e: unknown) => {
          slot.reply = err(`ERR internal error: ${(e as Error).message}`);
          slot.promise = null;
          this.drain();
        },
      );
    } else {
      this.drain();
    }
  }

  /** Moves every ready reply at the head of the queue into the output, in order. */
  private drain(): void {
    while (this.slots.length > 0 && this.slots[0]!.promise === null) {
      const slot = this.slots.shift()!;
      encodeReply(slot.reply!, this.proto, this.out);
    }
    if (!this.writeScheduled && (this.out.length > 0 || (this.closing && this.slots.length === 0))) {
      this.writeScheduled = true;
      setImmediate(this.flushOutput);
    }
  }

  private readonly flushOutput = (): void => {
    this.writeScheduled = false;
    if (this.closed) return;
    if (this.out.length > 0) {
      const buf = chunksToBuffer(this.out);
      this.out = [];
      this.socket.write(buf);
    }
    if (this.closing && this.slots.length === 0) this.socket.end();
  };

  /** Pushes an out-of-band message (pub/sub, RESP3 push) after the replies already queued. */
  sendPush(reply: Reply): void {
    if (this.closed || this.pushesSilenced || this.replyMode === 'off') return;
    this.push({ reply, promise: null });
  }

  closeAfterReply(): void {
    this.closing = true;
    this.drain();
  }

  /** CLIENT KILL: close now, dropping pending replies. */
  kill(): void {
    this.closing = true;
    this.socket.destroy();
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    this.socket.destroy();
    this.server.pubsub.removeAll(this);
    this.server.blocking.disconnect(this.id);
    this.onClose();
  }

  reset(): void {
    this.server.pubsub.removeAll(this);
    this.db = 0;
    this.proto = 2;
    this.name = '';
    this.replyMode = 'on';
    this.readonlyReads = false;
    clearTransaction(this.transaction);
    this.authenticated = !this.server.requiresAuth();
  }

  describe(): string {
    const now = Date.now();
    const fields: [string, string | number][] = [
      ['id', this.id],
      ['addr', this.remoteAddress],
      ['laddr', this.localAddress],
      ['fd', (this.socket as unknown as { _handle?: { fd?: number } })._handle?.fd ?? -1],
      ['name', this.name],
      ['age', Math.floor((now - this.createdMs) / 1000)],
      ['idle', Math.floor((now - this.lastInteractionMs) / 1000)],
      ['flags', this.clientFlags()],
      ['db', this.db],
      ['sub', this.server.pubsub.channelCount(this)],
      ['psub', this.server.pubsub.patternCount(this)],
      ['ssub', 0],
      ['multi', this.transaction.queued === null ? -1 : this.transaction.queued.length],
      ['qbuf', this.parser.bufferedBytes],
      ['qbuf-free', 0],
      ['argv-mem', 0],
      ['multi-mem', 0],
      ['rbs', 1024],
      ['rbp', 0],
      ['obl', 0],
      ['oll', this.slots.length],
      ['omem', 0],
      ['tot-mem', this.parser.bufferedBytes],
      ['events', 'r'],
      ['cmd', this.lastCommand],
      ['user', 'default'],
      ['redir', -1],
      ['resp', this.proto],
    ];
    return fields.map(([k, v]) => `${k}=${v}`).join(' ');
  }

  /** CLIENT LIST flags in Redis's order (networking.c getClientInfoString): P, x, b; N when none. */
  private clientFlags(): string {
    let flags = '';
    if (this.server.pubsub.subscriptionCount(this) > 0) flags += 'P';
    if (this.transaction.queued !== null) flags += 'x';
    if (this.isBlocked) flags += 'b';
    return flags === '' ? 'N' : flags;
  }
}

const NONE_REPLY: Reply = { t: 'none' };
