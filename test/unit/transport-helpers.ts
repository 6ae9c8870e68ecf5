// Shared helpers of the transport tests (not a test file itself).
import {
  GrpcTransport,
  type ForwardedCommand,
  type TransportLogger,
  type TransportOptions,
} from '../../src/raft/transport/index.js';

export { freePort } from '../../src/util/free-port.js';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

export function memoryLogger(): TransportLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj, msg });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export interface TestNode {
  id: number;
  transport: GrpcTransport;
  received: { from: number; message: string }[];
  /** One entry per onMessages call: the sender and how many messages it carried. */
  batches: { from: number; count: number }[];
  forwards: ForwardedCommand[];
  logger: ReturnType<typeof memoryLogger>;
  address: string;
}

export interface NodeSetup {
  onForward?: (req: ForwardedCommand) => Promise<Uint8Array>;
  onUnreachable?: (peer: number) => void;
  options?: Partial<TransportOptions>;
}

export async function startNode(id: number, peers: Map<number, string>, setup: NodeSetup = {}): Promise<TestNode> {
  const logger = memoryLogger();
  const received: TestNode['received'] = [];
  const batches: TestNode['batches'] = [];
  const forwards: ForwardedCommand[] = [];
  const transport = await GrpcTransport.start(
    {
      nodeId: id,
      clusterId: 7,
      listenHost: '127.0.0.1',
      listenPort: 0,
      peers,
      logger,
      reconnectBackoffMs: { initial: 20, max: 200 },
      ...setup.options,
    },
    {
      onMessages: (from, messages) => {
        batches.push({ from, count: messages.length });
        for (const m of messages) received.push({ from, message: Buffer.from(m).toString() });
      },
      onForward: (req) => {
        forwards.push(req);
        return setup.onForward ? setup.onForward(req) : Promise.resolve(Buffer.from(`ok:${req.argv.map(String).join(' ')}`));
      },
      onUnreachable: (peer) => setup.onUnreachable?.(peer),
    },
  );
  return { id, transport, received, batches, forwards, logger, address: `127.0.0.1:${transport.port}` };
}

/** Starts nodes 1..n and points each at all the others. */
export async function startCluster(n: number, setup: NodeSetup = {}): Promise<TestNode[]> {
  const nodes: TestNode[] = [];
  for (let id = 1; id <= n; id++) nodes.push(await startNode(id, new Map(), setup));
  for (const node of nodes) {
    node.transport.setPeers(new Map(nodes.filter((o) => o !== node).map((o) => [o.id, o.address])));
  }
  return nodes;
}

export const msg = (s: string): Uint8Array => Buffer.from(s);

/** Polls `cond` every 5 ms until it holds; fails with `what` after timeoutMs. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
