// GrpcTransport over real loopback sockets: ordering, batching, bounded queues,
// reconnect after a peer restarts, identity checks, forward outcome classes,
// and a close that leaves nothing running. No assertion is about speed: every
// wait is "until this holds", with a deadline only so a bug fails instead of hanging.
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../src/raft/transport/backoff.js';
import { decodeRaftAck, encodeRaftBatch, RAFT_STREAM_PATH } from '../../src/raft/transport/codec.js';
import {
  ForwardError,
  ForwardIndeterminateError,
  ForwardRejectedError,
  ForwardUnreachableError,
} from '../../src/raft/transport/index.js';
import { PeerQueue } from '../../src/raft/transport/peer-queue.js';
import { HEADER_CLUSTER_ID, HEADER_FROM, HEADER_TO, identity } from '../../src/raft/transport/services.js';
import { freePort, msg, startCluster, startNode, waitFor, type NodeSetup, type TestNode } from './transport-helpers.js';

const open: TestNode[] = [];

async function node(id: number, peers: Map<number, string>, setup?: NodeSetup): Promise<TestNode> {
  const n = await startNode(id, peers, setup);
  open.push(n);
  return n;
}

async function cluster(n: number, setup?: NodeSetup): Promise<TestNode[]> {
  const nodes = await startCluster(n, setup);
  open.push(...nodes);
  return nodes;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((n) => n.transport.close()));
});

const texts = (n: TestNode, from: number): string[] => n.received.filter((r) => r.from === from).map((r) => r.message);

/** Lets the event loop turn once (setImmediate callbacks scheduled before this one run first). */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function forwardError(p: Promise<Uint8Array>): Promise<ForwardError> {
  const outcome = await p.then(
    (reply) => new Error(`expected a failure, got reply ${Buffer.from(reply).toString()}`),
    (err: unknown) => err,
  );
  if (!(outcome instanceof ForwardError)) throw outcome;
  return outcome;
}

describe('PeerQueue', () => {
  it('keeps order, refuses what exceeds either limit, and takes batches within limits', () => {
    const q = new PeerQueue(4, 10);
    expect(q.push(msg('aaa'))).toBe(true);
    expect(q.push(msg('bbb'))).toBe(true);
    expect(q.push(msg('cccccc'))).toBe(false); // 12 bytes > 10
    expect(q.push(msg('dd'))).toBe(true);
    expect(q.push(msg('e'))).toBe(true);
    expect(q.push(msg('f'))).toBe(false); // 5 messages > 4
    expect([q.length, q.byteLength]).toEqual([4, 9]);
    const first = q.take(2, 100);
    expect(first.messages.map((m) => Buffer.from(m).toString())).toEqual(['aaa', 'bbb']);
    expect(first.bytes).toBe(6);
    // A byte limit below the first message still takes that message alone.
    const second = q.take(10, 1);
    expect(second.messages.map((m) => Buffer.from(m).toString())).toEqual(['dd']);
    expect(q.clear()).toBe(1);
    expect([q.length, q.byteLength]).toEqual([0, 0]);
  });
});

describe('backoffDelayMs', () => {
  it('doubles up to the cap, with half of each delay jittered', () => {
    const config = { initial: 100, max: 1000 };
    expect([0, 1, 2, 3, 4, 50].map((a) => backoffDelayMs(a, config, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([0, 1, 2, 3, 4, 50].map((a) => backoffDelayMs(a, config, () => 0.999999))).toEqual([99, 199, 399, 799, 999, 999]);
  });
});

describe('GrpcTransport: Raft messages', () => {
  it('delivers messages between 3 nodes in the order each node sent them', async () => {
    const nodes = await cluster(3);
    const perPeer = 600;
    const sent = new Map<string, string[]>();
    for (let i = 0; i < perPeer; i++) {
      for (const n of nodes) {
        for (const o of nodes) {
          if (n === o) continue;
          const m = `${n.id}->${o.id}#${i}`;
          n.transport.send(o.id, [msg(m)]);
          const key = `${n.id}->${o.id}`;
          sent.set(key, [...(sent.get(key) ?? []), m]);
        }
      }
      if (i % 50 === 49) await nextTurn(); // spread over several turns and batches
    }
    await waitFor(() => nodes.every((n) => n.received.length === 2 * perPeer), 'every message delivered');
    for (const n of nodes) {
      for (const o of nodes) {
        if (n !== o) expect(texts(o, n.id)).toEqual(sent.get(`${n.id}->${o.id}`));
      }
      const s = n.transport.stats();
      expect(s.receivedMessages).toBe(2 * perPeer);
      for (const p of s.perPeer.values()) {
        expect(p.droppedMessages).toBe(0);
        expect(p.sentMessages).toBe(perPeer);
      }
    }
    // Acks are cumulative counters of what the receiver handed to onMessages.
    await waitFor(
      () => nodes.every((n) => [...n.transport.stats().perPeer.values()].every((p) => p.ackedBatches === p.sentBatches)),
      'every batch acknowledged',
    );
  });

  it('sends everything queued for a peer in one event-loop turn as one batch, within the batch limits', async () => {
    const [a, b] = await cluster(2, { options: { maxBatchMessages: 8 } });
    await waitFor(() => a!.transport.reachable(2), 'a connected to b');
    const before = a!.transport.stats().perPeer.get(2)!.sentBatches;

    for (let i = 0; i < 5; i++) a!.transport.send(2, [msg(`one-${i}`)]);
    a!.transport.send(2, [msg('one-5'), msg('one-6')]);
    await waitFor(() => b!.received.length === 7, 'first turn delivered');
    expect(a!.transport.stats().perPeer.get(2)!.sentBatches).toBe(before + 1);
    expect(b!.batches).toEqual([{ from: 1, count: 7 }]);

    // 20 messages in one turn with at most 8 per frame: 8 + 8 + 4, in order.
    for (let i = 0; i < 20; i++) a!.transport.send(2, [msg(`two-${i}`)]);
    await waitFor(() => b!.received.length === 27, 'second turn delivered');
    expect(a!.transport.stats().perPeer.get(2)!.sentBatches).toBe(before + 4);
    expect(b!.batches.slice(1)).toEqual([
      { from: 1, count: 8 },
      { from: 1, count: 8 },
      { from: 1, count: 4 },
    ]);
    expect(texts(b!, 1).slice(7)).toEqual(Array.from({ length: 20 }, (_, i) => `two-${i}`));
  });

  it('drops and counts what is sent to a peer that is down, stays bounded, and resumes when the peer starts on the same port', async () => {
    const port = await freePort();
    const unreachable: number[] = [];
    const queueMax = 16;
    const a = await node(1, new Map([[2, `127.0.0.1:${port}`]]), {
      options: { maxQueuedMessagesPerPeer: queueMax },
      onUnreachable: (p) => unreachable.push(p),
    });

    let sent = 0;
    const sendBurst = (tag: string, count: number): void => {
      for (let i = 0; i < count; i++) a.transport.send(2, [msg(`${tag}-${i}`)]);
      sent += count;
    };
    // Several bursts while node 2 is down, each far above the queue limit.
    for (let burst = 0; burst < 5; burst++) {
      sendBurst(`down${burst}`, 100);
      const p = a.transport.stats().perPeer.get(2)!;
      expect(p.queuedMessages).toBeLessThanOrEqual(queueMax);
      await nextTurn();
    }
    await waitFor(() => a.transport.stats().perPeer.get(2)!.streamFailures >= 2, 'failed attempts to reach node 2');
    await waitFor(() => a.transport.stats().perPeer.get(2)!.droppedMessages === sent, 'everything sent while down is dropped');
    expect(a.transport.reachable(2)).toBe(false);
    expect(unreachable.length).toBeGreaterThan(0);
    expect(new Set(unreachable)).toEqual(new Set([2]));

    // Node 2 comes up on the port node 1 knows; node 1 reconnects on its own.
    let b = await node(2, new Map([[1, a.address]]), { options: { listenPort: port } });
    await waitFor(() => a.transport.reachable(2), 'node 1 reconnected to node 2');
    sendBurst('up', 10);
    await waitFor(() => b.received.length === 10, 'messages after the restart delivered');
    expect(texts(b, 1)).toEqual(Array.from({ length: 10 }, (_, i) => `up-${i}`));

    // Restart node 2 on the same port: the broken stream is replaced by a new one.
    const failuresBefore = a.transport.stats().perPeer.get(2)!.streamFailures;
    await b.transport.close();
    await waitFor(() => !a.transport.reachable(2), 'node 1 noticed node 2 left');
    b = await node(2, new Map([[1, a.address]]), { options: { listenPort: port } });
    await waitFor(() => a.transport.reachable(2), 'node 1 reconnected to the restarted node 2');
    expect(a.transport.stats().perPeer.get(2)!.streamFailures).toBeGreaterThan(failuresBefore);
    sendBurst('again', 10);
    await waitFor(() => b.received.length === 10, 'messages after the second restart delivered');
    expect(texts(b, 1)).toEqual(Array.from({ length: 10 }, (_, i) => `again-${i}`));
  });

  it('gives up on an attempt the peer never answers (a black hole), drops the queue and retries', async () => {
    // Accepts TCP connections and never speaks HTTP/2, like a host behind a partition.
    const held = new Set<Socket>();
    const hole = createServer((socket) => {
      held.add(socket);
      socket.on('close', () => held.delete(socket));
    });
    await new Promise<void>((resolve) => hole.listen(0, '127.0.0.1', resolve));
    try {
      const port = (hole.address() as AddressInfo).port;
      const a = await node(1, new Map([[2, `127.0.0.1:${port}`]]), { options: { connectTimeoutMs: 100 } });
      a.transport.send(2, [msg('into the hole')]);
      await waitFor(() => a.transport.stats().perPeer.get(2)!.streamFailures >= 2, 'two abandoned attempts');
      const p = a.transport.stats().perPeer.get(2)!;
      expect(p.droppedMessages).toBe(1);
      expect(p.queuedMessages).toBe(0);
      expect(a.transport.reachable(2)).toBe(false);
      const forward = await forwardError(a.transport.forward(2, { db: 0, argv: [Buffer.from('PING')] }, 200));
      expect(forward).toBeInstanceOf(ForwardUnreachableError);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => hole.close(() => resolve()));
    }
  });

  it('queues (within limits) what is sent before a reachable peer accepted the stream', async () => {
    const b = await node(2, new Map());
    const a = await node(1, new Map([[2, b.address]]));
    a.transport.send(2, [msg('early-0'), msg('early-1')]); // the stream is still being opened
    expect(a.transport.reachable(2)).toBe(false);
    await waitFor(() => b.received.length === 2, 'early messages delivered');
    expect(texts(b, 1)).toEqual(['early-0', 'early-1']);
  });

  it('counts messages for unknown peers and oversized messages as dropped', async () => {
    const [a, b] = await cluster(2, { options: { maxMessageBytes: 64 } });
    a!.transport.send(5, [msg('nobody'), msg('home')]);
    a!.transport.send(2, [msg('x'.repeat(65)), msg('fits')]);
    await waitFor(() => b!.received.length === 1, 'the message that fits delivered');
    expect(texts(b!, 1)).toEqual(['fits']);
    expect(a!.transport.stats().droppedUnknownPeerMessages).toBe(2);
    expect(a!.transport.stats().perPeer.get(2)!.droppedMessages).toBe(1);
  });

  it('follows a peer to its new address after setPeers', async () => {
    const [a, b] = await cluster(2);
    a!.transport.send(2, [msg('old')]);
    await waitFor(() => b!.received.length === 1, 'delivered to the old address');
    const moved = await node(2, new Map([[1, a!.address]]));
    a!.transport.setPeers(new Map([[2, moved.address]]));
    a!.transport.send(2, [msg('new')]);
    await waitFor(() => moved.received.length === 1, 'delivered to the new address');
    expect(texts(moved, 1)).toEqual(['new']);
    expect(b!.received.length).toBe(1);
    a!.transport.setPeers(new Map());
    expect(a!.transport.reachable(2)).toBe(false);
    a!.transport.send(2, [msg('gone')]);
    expect(a!.transport.stats().droppedUnknownPeerMessages).toBe(1);
  });
});

describe('GrpcTransport: identity checks', () => {
  it('refuses a stream from another cluster', async () => {
    const a = await node(1, new Map());
    const stranger = await node(2, new Map([[1, a.address]]), { options: { clusterId: 8 } });
    stranger.transport.send(1, [msg('wrong cluster')]);
    await waitFor(() => a.transport.stats().rejectedStreams >= 2, 'node 1 refused the stream (and its retry)');
    expect(a.received).toEqual([]);
    expect(stranger.transport.reachable(1)).toBe(false);
    expect(stranger.transport.stats().perPeer.get(1)!.droppedMessages).toBe(1);
    expect(stranger.logger.lines.some((l) => l.msg === 'raft stream refused by peer')).toBe(true);
    expect(a.logger.lines.some((l) => l.msg === 'raft stream refused' && JSON.stringify(l.obj).includes('cluster id 8'))).toBe(true);
  });

  it('refuses a stream addressed to another node id', async () => {
    const b = await node(2, new Map());
    // Node 1 believes node 3 listens where node 2 does.
    const a = await node(1, new Map([[3, b.address]]));
    a.transport.send(3, [msg('for node 3')]);
    await waitFor(() => b.transport.stats().rejectedStreams >= 1, 'node 2 refused the stream');
    expect(b.received).toEqual([]);
    expect(a.transport.reachable(3)).toBe(false);
    expect(b.logger.lines.some((l) => JSON.stringify(l.obj).includes('addressed to node 3'))).toBe(true);
  });

  it('ends an accepted stream whose batch carries another identity than its headers', async () => {
    const b = await node(2, new Map());
    const client = new grpc.Client(b.address, grpc.credentials.createInsecure());
    try {
      const md = new grpc.Metadata();
      md.set(HEADER_FROM, '1');
      md.set(HEADER_TO, '2');
      md.set(HEADER_CLUSTER_ID, '7');
      const call = client.makeBidiStreamRequest(RAFT_STREAM_PATH, identity, decodeRaftAck, md, {});
      const status = new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve));
      call.on('error', () => {});
      call.on('data', () => {});
      call.write(encodeRaftBatch({ from: 1, to: 2, clusterId: 7, messages: [msg('good')] }));
      call.write(encodeRaftBatch({ from: 1, to: 2, clusterId: 9, messages: [msg('bad')] }));
      call.write(encodeRaftBatch({ from: 1, to: 2, clusterId: 7, messages: [msg('after')] }));
      expect((await status).code).toBe(grpc.status.FAILED_PRECONDITION);
      expect(texts(b, 1)).toEqual(['good']);
      expect(b.transport.stats().rejectedStreams).toBe(1);
    } finally {
      client.close();
    }
  });
});

describe('GrpcTransport: inbound streams', () => {
  it('ignores an older stream from a peer once a newer one from the same peer is accepted', async () => {
    const b = await node(2, new Map());
    const client = new grpc.Client(b.address, grpc.credentials.createInsecure());
    try {
      const open = (): { call: grpc.ClientDuplexStream<Buffer, unknown>; status: Promise<grpc.StatusObject>; accepted: Promise<void> } => {
        const md = new grpc.Metadata();
        md.set(HEADER_FROM, '1');
        md.set(HEADER_TO, '2');
        md.set(HEADER_CLUSTER_ID, '7');
        const call = client.makeBidiStreamRequest(RAFT_STREAM_PATH, identity, decodeRaftAck, md, {});
        call.on('error', () => {});
        call.on('data', () => {});
        return {
          call,
          status: new Promise((resolve) => call.on('status', resolve)),
          accepted: new Promise((resolve) => call.on('metadata', () => resolve())),
        };
      };
      const batch = (text: string): Buffer => encodeRaftBatch({ from: 1, to: 2, clusterId: 7, messages: [msg(text)] });
      const older = open();
      await older.accepted;
      older.call.write(batch('old-1'));
      await waitFor(() => b.received.length === 1, 'first stream delivers');
      const newer = open();
      await newer.accepted;
      expect((await older.status).code).toBe(grpc.status.ABORTED);
      older.call.write(batch('old-2'));
      newer.call.write(batch('new-1'));
      await waitFor(() => b.received.length === 2, 'second stream delivers');
      expect(texts(b, 1)).toEqual(['old-1', 'new-1']);
      newer.call.end();
      expect((await newer.status).code).toBe(grpc.status.OK);
    } finally {
      client.close();
    }
  });
});

describe('GrpcTransport: forward', () => {
  it('round-trips a command to the peer and back', async () => {
    const [a, b] = await cluster(2);
    const reply = await a!.transport.forward(2, { db: 3, argv: [Buffer.from('SET'), Buffer.from('k'), Buffer.from('v')] }, 5000);
    expect(Buffer.from(reply).toString()).toBe('ok:SET k v');
    expect(b!.forwards).toHaveLength(1);
    expect(b!.forwards[0]!.db).toBe(3);
    expect(b!.forwards[0]!.from).toBe(1);
    expect(b!.forwards[0]!.argv.map(String)).toEqual(['SET', 'k', 'v']);
  });

  it('carries the kind and client id; a BLOCK call outlives the timeout and its cancellation reaches the peer', async () => {
    let cancelledOnPeer: () => void = () => {};
    const peerSawCancel = new Promise<void>((r) => (cancelledOnPeer = r));
    const [a, b] = await cluster(2, {
      onForward: (req) =>
        req.kind === 'block'
          ? new Promise<Uint8Array>((resolve) => {
              // Answers only after the caller's 50 ms timeout, unless cancelled first.
              const timer = setTimeout(() => resolve(Buffer.from(`served:${req.clientId}`)), 300);
              req.cancelled.addEventListener('abort', () => {
                clearTimeout(timer);
                cancelledOnPeer();
              });
            })
          : Promise.resolve(Buffer.from(`ok:${req.kind}`)),
    });
    const unblock = await a!.transport.forward(2, { db: 0, argv: [Buffer.from('TIMEOUT')], kind: 'unblock', clientId: 42 }, 5000);
    expect(Buffer.from(unblock).toString()).toBe('ok:unblock');
    expect(b!.forwards[0]).toMatchObject({ kind: 'unblock', clientId: 42 });
    // Connected now, so the 50 ms only bound the call, which `unbounded` lifts.
    const served = await a!.transport.forward(2, { db: 0, argv: [Buffer.from('BLPOP')], kind: 'block', clientId: 42 }, 50, { unbounded: true });
    expect(Buffer.from(served).toString()).toBe('served:42');
    expect(b!.forwards[1]).toMatchObject({ kind: 'block', clientId: 42 });

    const cancel = new AbortController();
    const call = forwardError(a!.transport.forward(2, { db: 0, argv: [Buffer.from('BLPOP')], kind: 'block', clientId: 43 }, 5000, { unbounded: true, signal: cancel.signal }));
    while (b!.forwards.length < 3) await new Promise((r) => setTimeout(r, 5));
    cancel.abort();
    await peerSawCancel;
    expect((await call).code).toBe('INDETERMINATE');
  });

  it('is Unreachable (definitely not executed) when the peer is down or unknown', async () => {
    const port = await freePort();
    const a = await node(1, new Map([[2, `127.0.0.1:${port}`]]));
    const down = await forwardError(a.transport.forward(2, { db: 0, argv: [Buffer.from('INCR'), Buffer.from('n')] }, 5000));
    expect(down).toBeInstanceOf(ForwardUnreachableError);
    expect(down.definite).toBe(true);
    expect(down.peer).toBe(2);
    const unknown = await forwardError(a.transport.forward(4, { db: 0, argv: [Buffer.from('INCR')] }, 5000));
    expect(unknown).toBeInstanceOf(ForwardUnreachableError);

    // Once the peer is up on that port, forwards go through again.
    const b = await node(2, new Map([[1, a.address]]), { options: { listenPort: port } });
    // The forward channel retries in the background within the reconnect backoff;
    // until it is up, every attempt fails definitely, never indeterminately.
    let reply: Uint8Array | undefined;
    const until = Date.now() + 10_000;
    while (reply === undefined) {
      if (Date.now() > until) throw new Error('timed out waiting for a forward to succeed after the peer started');
      reply = await a.transport.forward(2, { db: 0, argv: [Buffer.from('PING')] }, 5000).catch((e: unknown) => {
        expect(e).toBeInstanceOf(ForwardUnreachableError);
        return undefined;
      });
      if (reply === undefined) await new Promise((r) => setTimeout(r, 20));
    }
    expect(Buffer.from(reply!).toString()).toBe('ok:PING');
    expect(b.forwards.map((f) => String(f.argv[0]))).toEqual(['PING']);
  });

  it('is Indeterminate (may have executed) when the handler does not answer in time or fails', async () => {
    const answers: Record<string, () => Promise<Uint8Array>> = {
      WARM: () => Promise.resolve(Buffer.from('warm')),
      FAIL: () => Promise.reject(new Error('leadership lost')),
    };
    const [a, b] = await cluster(2, { onForward: (req) => (answers[String(req.argv[0])] ?? (() => new Promise(() => {})))() });
    // Connect first, so the short deadline below is spent waiting for the handler.
    expect(Buffer.from(await a!.transport.forward(2, { db: 0, argv: [Buffer.from('WARM')] }, 10_000)).toString()).toBe('warm');
    const slow = await forwardError(a!.transport.forward(2, { db: 0, argv: [Buffer.from('INCR'), Buffer.from('n')] }, 1000));
    expect(slow).toBeInstanceOf(ForwardIndeterminateError);
    expect(slow.definite).toBe(false);
    expect(b!.forwards.map((f) => String(f.argv[0]))).toEqual(['WARM', 'INCR']); // it did reach the handler
    const failed = await forwardError(a!.transport.forward(2, { db: 0, argv: [Buffer.from('FAIL')] }, 5000));
    expect(failed).toBeInstanceOf(ForwardIndeterminateError);
  });

  it('is Indeterminate when the peer closes while the command is in flight', async () => {
    const [a, b] = await cluster(2, { onForward: () => new Promise(() => {}) });
    const pending = forwardError(a!.transport.forward(2, { db: 0, argv: [Buffer.from('INCR')] }, 30_000));
    await waitFor(() => b!.forwards.length === 1, 'the forward reached the peer');
    await b!.transport.close();
    expect(await pending).toBeInstanceOf(ForwardIndeterminateError);
  });

  it('is Rejected (definitely not executed) by a peer of another cluster or another node id', async () => {
    const b = await node(2, new Map(), { options: { clusterId: 8 } });
    const c = await node(3, new Map());
    const a = await node(
      1,
      new Map([
        [2, b.address],
        [4, c.address], // node 1 believes node 4 listens where node 3 does
      ]),
    );
    const wrongCluster = await forwardError(a.transport.forward(2, { db: 0, argv: [Buffer.from('DEL'), Buffer.from('k')] }, 5000));
    expect(wrongCluster).toBeInstanceOf(ForwardRejectedError);
    expect(wrongCluster.definite).toBe(true);
    expect(wrongCluster.message).toContain('cluster');
    const wrongNode = await forwardError(a.transport.forward(4, { db: 0, argv: [Buffer.from('DEL'), Buffer.from('k')] }, 5000));
    expect(wrongNode).toBeInstanceOf(ForwardRejectedError);
    expect(b.forwards).toEqual([]);
    expect(c.forwards).toEqual([]);
  });

  it('is Rejected by a gRPC server without the Forward service', async () => {
    const other = new grpc.Server();
    const port = await new Promise<number>((resolve, reject) =>
      other.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    try {
      const a = await node(1, new Map([[2, `127.0.0.1:${port}`]]));
      const e = await forwardError(a.transport.forward(2, { db: 0, argv: [Buffer.from('DEL'), Buffer.from('k')] }, 5000));
      expect(e).toBeInstanceOf(ForwardRejectedError);
    } finally {
      other.forceShutdown();
    }
  });
});

describe('GrpcTransport: start', () => {
  it('rejects when its port is taken', async () => {
    const a = await node(1, new Map());
    await expect(node(2, new Map(), { options: { listenPort: a.transport.port } })).rejects.toThrow();
  });
});

describe('GrpcTransport: close', () => {
  it('is idempotent, and send, forward and setPeers after it do nothing', async () => {
    const [a, b] = await cluster(2);
    a!.transport.send(2, [msg('before')]);
    await waitFor(() => b!.received.length === 1, 'delivered before close');
    const first = a!.transport.close();
    expect(a!.transport.close()).toBe(first);
    await first;
    await a!.transport.close();
    const stats = JSON.stringify([...a!.transport.stats().perPeer.values()].map((p) => p.sentMessages));
    a!.transport.send(2, [msg('after')]);
    a!.transport.setPeers(new Map([[3, '127.0.0.1:1']]));
    await nextTurn();
    expect(JSON.stringify([...a!.transport.stats().perPeer.values()].map((p) => p.sentMessages))).toBe(stats);
    expect(a!.transport.reachable(2)).toBe(false);
    expect(await forwardError(a!.transport.forward(2, { db: 0, argv: [Buffer.from('PING')] }, 1000))).toBeInstanceOf(
      ForwardUnreachableError,
    );
    expect(b!.received.length).toBe(1);
  });

  it('leaves no timers or sockets behind: a process that used it exits on its own', async () => {
    let b3: TestNode | undefined;
    const [b2, c3] = await Promise.all([
      node(2, new Map()),
      node(3, new Map(), {
        onForward: (req) => {
          if (String(req.argv[0]) !== 'HANG') return Promise.resolve(Buffer.from('ok'));
          b3!.transport.send(1, [msg('hang-received')]);
          return new Promise(() => {}); // never answers
        },
      }),
    ]);
    b3 = c3;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./transport-exit-child.ts', import.meta.url)), b2.address, c3.address],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    let code: number | null | undefined;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const listening = /^listening (\S+)$/m.exec(stdout);
      if (listening !== null && !b2.transport.stats().perPeer.has(1)) {
        for (const n of [b2, c3]) {
          n.transport.setPeers(new Map([[1, listening[1]!]]));
          n.transport.send(1, [msg(`${n.id}->1`)]);
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (c) => (code = c));
    try {
      await waitFor(() => code !== undefined, 'the child process exited', 45_000);
    } finally {
      if (code === undefined) child.kill('SIGKILL');
    }
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^listening \S+\nclosed\n$/);
    expect(texts(b2, 1)).toEqual(['1->2']);
    expect(texts(c3, 1)).toEqual(['1->3']);
    expect(b2.forwards.map((f) => String(f.argv[0]))).toEqual(['PING']);
    expect(c3.forwards.map((f) => String(f.argv[0]))).toEqual(['HANG']);
  });
});
