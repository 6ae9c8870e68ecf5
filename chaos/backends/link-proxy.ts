// One direction of one node-to-node link: node A dials this proxy to reach node B's Raft port.
// While blocked, established connections are destroyed and new ones are accepted and held
// without ever being answered (a blackhole: the dialer sees silence, not a refusal).
import { connect, createServer, type Server, type Socket } from 'node:net';

export class LinkProxy {
  private blocked = false;
  private readonly pairs = new Set<Socket>();
  private readonly held = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<LinkProxy> {
    let proxy: LinkProxy | null = null;
    const server = createServer((socket) => {
      if (proxy === null) socket.destroy();
      else proxy.accept(socket, targetHost, targetPort);
    });
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const addr = server.address();
        resolve(typeof addr === 'object' && addr !== null ? addr.port : 0);
      });
    });
    proxy = new LinkProxy(server, port);
    return proxy;
  }

  private accept(down: Socket, host: string, port: number): void {
    down.on('error', () => down.destroy());
    if (this.blocked) {
      down.pause();
      this.held.add(down);
      down.once('close', () => this.held.delete(down));
      return;
    }
    const up = connect({ host, port });
    up.on('error', () => down.destroy());
    down.on('error', () => up.destroy());
    down.once('close', () => {
      up.destroy();
      this.pairs.delete(down);
    });
    up.once('close', () => down.destroy());
    down.pipe(up);
    up.pipe(down);
    this.pairs.add(down);
  }

  setBlocked(blocked: boolean): void {
    if (blocked === this.blocked) return;
    this.blocked = blocked;
    // Either way the sockets of the other state go: cut links lose their connections at once,
    // healed links drop the held ones so the dialer reconnects through the open path.
    const doomed = blocked ? this.pairs : this.held;
    for (const s of [...doomed]) s.destroy();
    doomed.clear();
  }

  async close(): Promise<void> {
    for (const s of [...this.pairs, ...this.held]) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
