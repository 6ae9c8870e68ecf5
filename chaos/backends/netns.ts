// The netns backend as the runner inside the hub namespace sees it: nodes run in their own
// namespaces (`ip netns exec`, which execs, so the PID is the server's own); a cut link is an
// iptables DROP of the peer's address in both nodes' INPUT chains. Clients in the hub are never
// cut. The namespaces themselves are made and removed by the outer process (netns-topology.ts).
import type { Link } from '../partitions.js';
import type { Backend, NodeAddress } from './backend.js';
import { run } from './exec.js';
import { netnsNames, nodeAddress, type NetnsNames } from './netns-topology.js';

const CLIENT_PORT = 9221;
const RAFT_PORT = 19221;

export class NetnsBackend implements Backend {
  readonly name = 'netns' as const;
  readonly nodes: readonly NodeAddress[];
  private readonly names: NetnsNames;
  private cutNodes = new Set<number>();

  constructor(tag: string, nodeCount: number) {
    this.names = netnsNames(tag);
    this.nodes = Array.from({ length: nodeCount }, (_, i) => ({ id: i + 1, host: nodeAddress(i + 1), clientPort: CLIENT_PORT, raftPort: RAFT_PORT }));
  }

  peersFor(): string {
    return this.nodes.map((n) => `${n.id}@${n.host}:${n.raftPort}/${n.clientPort}`).join(',');
  }

  bindFor(id: number): string {
    return nodeAddress(id);
  }

  wrapCommand(id: number, command: string, args: readonly string[]): { command: string; args: string[] } {
    return { command: 'ip', args: ['netns', 'exec', this.names.node(id), command, ...args] };
  }

  async setCut(cut: readonly Link[]): Promise<void> {
    const drops = new Map<number, number[]>();
    for (const [a, b] of cut) {
      (drops.get(a) ?? drops.set(a, []).get(a)!).push(b);
      (drops.get(b) ?? drops.set(b, []).get(b)!).push(a);
    }
    // Flush only nodes that have rules now or had them: a heal touches what the last cut touched.
    const touched = new Set([...this.cutNodes, ...drops.keys()]);
    await Promise.all(
      [...touched].map(async (id) => {
        const ns = this.names.node(id);
        await run('ip', ['netns', 'exec', ns, 'iptables', '-F', 'INPUT']);
        for (const peer of drops.get(id) ?? []) {
          await run('ip', ['netns', 'exec', ns, 'iptables', '-A', 'INPUT', '-s', nodeAddress(peer), '-j', 'DROP']);
        }
      }),
    );
    this.cutNodes = new Set(drops.keys());
  }

  async close(): Promise<void> {
    await this.setCut([]);
  }
}
