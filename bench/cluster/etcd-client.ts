// A small etcd v3 gRPC client (KV Put/Range, Maintenance Status): protobufjs for the messages and
// either a minimal gRPC-over-node:http2 transport (the default) or @grpc/grpc-js. gRPC rather
// than etcd's HTTP/JSON gateway, because the gateway adds a JSON + base64 translation hop (and, in
// 3.4, a second gRPC hop inside etcd) that its real clients (etcdctl, clientv3) never pay.
//
// The messages below are the subset of etcd's etcdserverpb/rpc.proto and mvccpb/kv.proto that
// these calls use, with etcd's field numbers; fields we never set or read are left out, which
// protobuf's wire format allows (unknown fields are skipped when decoding).
import * as grpc from '@grpc/grpc-js';
import * as http2 from 'node:http2';
import protobuf from 'protobufjs';

const PROTO = `
syntax = "proto3";
package etcdserverpb;

message ResponseHeader {
  uint64 cluster_id = 1;
  uint64 member_id = 2;
  int64 revision = 3;
  uint64 raft_term = 4;
}
message KeyValue {
  bytes key = 1;
  int64 create_revision = 2;
  int64 mod_revision = 3;
  int64 version = 4;
  bytes value = 5;
  int64 lease = 6;
}
message PutRequest {
  bytes key = 1;
  bytes value = 2;
}
message PutResponse {
  ResponseHeader header = 1;
}
message RangeRequest {
  bytes key = 1;
  bytes range_end = 2;
  int64 limit = 3;
  // false (the default) = linearizable: the member confirms with the leader (ReadIndex) first.
  bool serializable = 7;
}
message RangeResponse {
  ResponseHeader header = 1;
  repeated KeyValue kvs = 2;
  bool more = 3;
  int64 count = 4;
}
message StatusRequest {}
message StatusResponse {
  ResponseHeader header = 1;
  string version = 2;
  int64 dbSize = 3;
  uint64 leader = 4;
  uint64 raftIndex = 5;
  uint64 raftTerm = 6;
}
`;

const root = protobuf.parse(PROTO, { keepCase: true }).root;
const type = (name: string): protobuf.Type => root.lookupType(`etcdserverpb.${name}`);
const T = {
  PutRequest: type('PutRequest'),
  PutResponse: type('PutResponse'),
  RangeRequest: type('RangeRequest'),
  RangeResponse: type('RangeResponse'),
  StatusRequest: type('StatusRequest'),
  StatusResponse: type('StatusResponse'),
};

export interface RangeResult {
  readonly count: number;
  readonly value: Buffer | null;
}

export interface StatusResult {
  /** uint64 ids as decimal strings: they do not fit a double. */
  readonly memberId: string;
  readonly leader: string;
  readonly version: string;
}

// fromObject is skipped for requests: the objects already hold the right JS types (Buffer, boolean).
const encoder = (t: protobuf.Type) => (v: Record<string, unknown>): Buffer => {
  const bytes = t.encode(t.create(v)).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
};
const decoder = (t: protobuf.Type) => (b: Buffer): Record<string, unknown> =>
  t.toObject(t.decode(b), { longs: String, bytes: Buffer, defaults: true }) as Record<string, unknown>;

// Put and Range responses are decoded into protobufjs message objects without toObject's copy:
// the load generator shares the 2 cores with the servers, so its per-request work stays small.
const raw = (t: protobuf.Type) => (b: Buffer): Record<string, unknown> => t.decode(b) as unknown as Record<string, unknown>;
const encPut = encoder(T.PutRequest);
const decPut = raw(T.PutResponse);
const encRange = encoder(T.RangeRequest);
const decRange = raw(T.RangeResponse);
const encStatus = encoder(T.StatusRequest);
const decStatus = decoder(T.StatusResponse);

/** One unary gRPC call: request message bytes in, response message bytes out. */
interface UnaryTransport {
  call(method: string, request: Buffer, timeoutMs?: number): Promise<Buffer>;
  waitForReady(timeoutMs: number): Promise<void>;
  close(): void;
}

export type EtcdTransportKind = 'http2' | 'grpc-js';

/** @grpc/grpc-js: the stock Node gRPC client (interceptors, retries, per-call state). */
class GrpcJsTransport implements UnaryTransport {
  private readonly client: grpc.Client;

  /**
   * `ownConnection`: grpc-js shares one TCP connection (subchannel) between clients of the same
   * target by default; with this set each client gets its own, like each Redis client does.
   */
  constructor(address: string, ownConnection: boolean) {
    const options: grpc.ChannelOptions = ownConnection ? { 'grpc.use_local_subchannel_pool': 1 } : {};
    this.client = new grpc.Client(address, grpc.credentials.createInsecure(), options);
  }

  call(method: string, request: Buffer, timeoutMs?: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const callOptions: grpc.CallOptions = timeoutMs === undefined ? {} : { deadline: Date.now() + timeoutMs };
      const identity = (b: Buffer): Buffer => b;
      this.client.makeUnaryRequest(method, identity, identity, request, new grpc.Metadata(), callOptions, (err, value) => {
        if (err) reject(err);
        else if (value === undefined) reject(new Error(`${method}: empty response`));
        else resolve(value);
      });
    });
  }

  waitForReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => this.client.waitForReady(Date.now() + timeoutMs, (e) => (e ? reject(e) : resolve())));
  }

  close(): void {
    this.client.close();
  }
}

/**
 * The gRPC wire protocol spoken directly over node:http2 (whose framing is nghttp2, in C): a
 * POST with a 5-byte length-prefixed message, the reply's message and its grpc-status trailer.
 * It is to gRPC what RespClient is to RESP, so both systems are driven by equally thin clients:
 * grpc-js costs about 1 ms of CPU per call on this machine, ~10× the RESP client, and on 2 shared
 * cores that CPU would be taken from the etcd members under test.
 */
class Http2Transport implements UnaryTransport {
  private readonly session: http2.ClientHttp2Session;
  private readonly connected: Promise<void>;
  private error: Error | null = null;

  constructor(address: string) {
    this.session = http2.connect(`http://${address}`);
    this.connected = new Promise((resolve, reject) => {
      this.session.once('connect', () => resolve());
      this.session.once('error', reject);
    });
    // Keep a failed session's error for the next call instead of crashing on an unhandled event.
    this.session.on('error', (e: Error) => (this.error ??= e));
    this.connected.catch(() => undefined);
  }

  call(method: string, request: Buffer, timeoutMs?: number): Promise<Buffer> {
    if (this.error) return Promise.reject(this.error);
    return new Promise((resolve, reject) => {
      const frame = Buffer.allocUnsafe(5 + request.length);
      frame[0] = 0; // not compressed
      frame.writeUInt32BE(request.length, 1);
      request.copy(frame, 5);
      const req = this.session.request({ ':method': 'POST', ':path': method, 'content-type': 'application/grpc', te: 'trailers' });
      const chunks: Buffer[] = [];
      let status: string | undefined;
      let message = '';
      const take = (h: http2.IncomingHttpHeaders): void => {
        // A failed call may be "trailers-only": grpc-status then arrives with the response headers.
        const st = h['grpc-status'];
        if (st !== undefined) status = String(st);
        const msg = h['grpc-message'];
        if (msg !== undefined) message = decodeURIComponent(String(msg));
      };
      req.on('response', take);
      req.on('trailers', take);
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('error', reject);
      req.on('end', () => {
        if (status !== '0') return reject(new Error(`${method}: grpc-status ${status ?? 'missing'} ${message}`.trim()));
        const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        if (body.length < 5 || body[0] !== 0) return reject(new Error(`${method}: malformed gRPC response (${body.length} bytes)`));
        resolve(body.subarray(5, 5 + body.readUInt32BE(1)));
      });
      if (timeoutMs !== undefined) {
        req.setTimeout(timeoutMs, () => {
          req.close(http2.constants.NGHTTP2_CANCEL);
          reject(new Error(`${method}: no response within ${timeoutMs} ms`));
        });
      }
      req.end(frame);
    });
  }

  async waitForReady(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no HTTP/2 connection within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.connected, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.session.destroy();
  }
}

/** With a shared connection, every client of one address multiplexes its calls over one session. */
const shared = new Map<string, { transport: UnaryTransport; users: number }>();

export class EtcdClient {
  private readonly transport: UnaryTransport;
  private readonly sharedKey: string | null;

  constructor(address: string, o: { transport?: EtcdTransportKind; ownConnection?: boolean } = {}) {
    const kind = o.transport ?? 'http2';
    const make = (): UnaryTransport => (kind === 'grpc-js' ? new GrpcJsTransport(address, o.ownConnection ?? true) : new Http2Transport(address));
    if (o.ownConnection === false && kind === 'http2') {
      this.sharedKey = address;
      const entry = shared.get(address) ?? { transport: make(), users: 0 };
      entry.users++;
      shared.set(address, entry);
      this.transport = entry.transport;
    } else {
      this.sharedKey = null;
      this.transport = make();
    }
  }

  private async unary(method: string, enc: (v: Record<string, unknown>) => Buffer, dec: (b: Buffer) => Record<string, unknown>, req: Record<string, unknown>, timeoutMs?: number): Promise<Record<string, unknown>> {
    return dec(await this.transport.call(method, enc(req), timeoutMs));
  }

  async put(key: Buffer, value: Buffer): Promise<void> {
    await this.unary('/etcdserverpb.KV/Put', encPut, decPut, { key, value });
  }

  /** A single-key Range; linearizable unless `serializable`. */
  async get(key: Buffer, serializable = false): Promise<RangeResult> {
    const r = await this.unary('/etcdserverpb.KV/Range', encRange, decRange, { key, serializable });
    const kvs = (r['kvs'] ?? []) as { value: Uint8Array }[];
    const v = kvs[0]?.value;
    return { count: kvs.length, value: v === undefined ? null : Buffer.from(v.buffer, v.byteOffset, v.byteLength) };
  }

  async status(timeoutMs: number): Promise<StatusResult> {
    const r = await this.unary('/etcdserverpb.Maintenance/Status', encStatus, decStatus, {}, timeoutMs);
    const header = r['header'] as { member_id: string } | null;
    return { memberId: header?.member_id ?? '0', leader: String(r['leader']), version: String(r['version']) };
  }

  /** Resolves once the connection is up (so connection setup is not timed as a request). */
  waitForReady(timeoutMs: number): Promise<void> {
    return this.transport.waitForReady(timeoutMs);
  }

  close(): void {
    if (this.sharedKey === null) return this.transport.close();
    const entry = shared.get(this.sharedKey);
    if (entry && --entry.users === 0) {
      shared.delete(this.sharedKey);
      entry.transport.close();
    }
  }
}
