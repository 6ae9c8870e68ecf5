// The static cluster membership from config: `raft-peers id@host:raftport[/clientport],...`.
// The client port defaults to raftport − 10000 (Redis Cluster's bus-port convention, reversed),
// so `-MOVED` and INFO can name a peer's client address without another round trip.

export interface PeerAddress {
  readonly id: number;
  /** host:port of the peer's Raft transport. */
  readonly raftAddress: string;
  /** host:port Redis clients use. */
  readonly clientAddress: string;
}

export const RAFT_PORT_OFFSET = 10000;

export class PeerConfigError extends Error {}

export function parsePeers(spec: string): PeerAddress[] {
  const out: PeerAddress[] = [];
  const seen = new Set<number>();
  for (const raw of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)@(\[[^\]]+\]|[^:/\s]+):(\d+)(?:\/(\d+))?$/.exec(raw);
    if (!m) throw new PeerConfigError(`bad peer "${raw}": expected id@host:raftport or id@host:raftport/clientport`);
    const id = Number(m[1]);
    const host = m[2]!;
    const raftPort = Number(m[3]);
    const clientPort = m[4] !== undefined ? Number(m[4]) : raftPort - RAFT_PORT_OFFSET;
    if (!Number.isSafeInteger(id) || id < 1) throw new PeerConfigError(`bad peer "${raw}": id must be a positive integer`);
    if (seen.has(id)) throw new PeerConfigError(`peer id ${id} appears twice`);
    for (const [what, port] of [['raft port', raftPort], ['client port', clientPort]] as const) {
      if (port < 1 || port > 65535) throw new PeerConfigError(`bad peer "${raw}": ${what} ${port} is not in 1..65535`);
    }
    seen.add(id);
    out.push({ id, raftAddress: `${host}:${raftPort}`, clientAddress: `${host}:${clientPort}` });
  }
  return out;
}
