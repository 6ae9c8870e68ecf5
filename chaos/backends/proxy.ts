// The proxy backend: every node on 127.0.0.1, and for each ordered pair (A, B) a LinkProxy that A
// is told is B's Raft address. Cutting A–B blocks both directions' proxies. Client traffic goes
// straight to the nodes' client ports, so clients are never partitioned. Needs no privileges.
import { freePort } from '../../src/util/free-port.js';
import type { Link } from '../partitions.js';
import type { Backend, NodeAddress } from './backend.js';
import { LinkProxy } from './link-proxy.js';

const HOST = '127.0.0.1';

export class ProxyBackend implements Backend {
  readonly name = 'proxy' as const;

  private constructor(
    readonly nodes: readonly NodeAddress[],
    /** Key `${from}>${to}`. */
    private readonly links: Map<string, LinkProxy>,
  ) {}

  static async create(nodeCount: number): Promise<ProxyBackend> {
    const nodes: NodeAddress[] = [];
    for (let id = 1; id <= nodeCount; id++) nodes.push({ id, host: HOST, clientPort: await freePort(), raftPort: await freePort() });
    const links = new Map<string, LinkProxy>();
    try {
      for (const from of nodes) {
        for (const to of nodes) if (from.id !== to.id) links.set(`${from.id}>${to.id}`, await LinkProxy.start(HOST, to.raftPort));
      }
    } catch (e) {
      await Promise.all([...links.values()].map((l) => l.close()));
      throw e;
    }
    return new ProxyBackend(nodes, links);
  }

  peersFor(id: number): string {
    return this.nodes
      .map((n) => {
        const raftPort = n.id === id ? n.raftPort : this.links.get(`${id}>${n.id}`)!.port;
        return `${n.id}@${HOST}:${raftPort}/${n.clientPort}`;
      })
      .join(',');
  }

  bindFor(): string {
    return HOST;
  }

  wrapCommand(_id: number, command: string, args: readonly string[]): { command: string; args: string[] } {
    return { command, args: [...args] };
  }

  async setCut(cut: readonly Link[]): Promise<void> {
    const blocked = new Set<string>();
    for (const [a, b] of cut) {
      blocked.add(`${a}>${b}`);
      blocked.add(`${b}>${a}`);
    }
    for (const [key, proxy] of this.links) proxy.setBlocked(blocked.has(key));
  }

  async close(): Promise<void> {
    await Promise.all([...this.links.values()].map((l) => l.close()));
  }
}
