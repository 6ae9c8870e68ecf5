// A 3-member etcd cluster on loopback (Debian's etcd-server, 3.4): free ports, one temp data dir
// per member, etcd's defaults otherwise (it fsyncs its WAL on every commit; there is no switch to
// turn that off). Ready when every member logged that it serves client traffic and all report
// the same leader through Maintenance/Status.
import { join } from 'node:path';
import { freePort } from '../../src/util/free-port.js';
import { EtcdClient, type StatusResult } from './etcd-client.js';
import { startProcess, tempDir, type Proc } from './processes.js';

export interface EtcdMember {
  readonly name: string;
  readonly clientPort: number;
  readonly proc: Proc;
}

export interface EtcdCluster {
  readonly members: readonly EtcdMember[];
  readonly leader: EtcdMember;
  readonly followers: readonly EtcdMember[];
  readonly version: string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;

export async function startEtcdCluster(etcdBinary: string, size = 3): Promise<EtcdCluster> {
  const root = tempDir('bench-etcd-cluster-');
  const ports: { client: number; peer: number }[] = [];
  for (let i = 0; i < size; i++) ports.push({ client: await freePort(), peer: await freePort() });
  const names = ports.map((_, i) => `m${i + 1}`);
  const initialCluster = ports.map((p, i) => `${names[i]}=http://127.0.0.1:${p.peer}`).join(',');
  // etcd also reads its flags from ETCD_* variables; a stray one in the caller's environment must
  // not change the benchmark's configuration, so they are dropped.
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ETCD_')));
  const members: EtcdMember[] = ports.map((p, i) => {
    const name = names[i]!;
    const args = [
      '--name', name,
      '--data-dir', join(root, name),
      '--listen-client-urls', `http://127.0.0.1:${p.client}`,
      '--advertise-client-urls', `http://127.0.0.1:${p.client}`,
      '--listen-peer-urls', `http://127.0.0.1:${p.peer}`,
      '--initial-advertise-peer-urls', `http://127.0.0.1:${p.peer}`,
      '--initial-cluster', initialCluster,
      '--initial-cluster-token', 'pikiraft-bench',
      '--initial-cluster-state', 'new',
      // zap: structured logs; info level, because the readiness line is logged at info.
      '--logger', 'zap',
      '--log-level', 'info',
    ];
    return { name, clientPort: p.client, proc: startProcess(`etcd ${name}`, etcdBinary, args, { env }) };
  });
  const stop = async (): Promise<void> => {
    await Promise.all(members.map((m) => m.proc.stop()));
  };
  try {
    // etcd 3.4 with the zap logger says "serving client traffic insecurely" once the client
    // listener is up (the older capnslog logger said "ready to serve client requests").
    await Promise.all(members.map((m) => m.proc.waitForLine(/serving client traffic|ready to serve client requests/, READY_TIMEOUT_MS)));
    const { leader, version } = await waitForLeader(members);
    return { members, leader, followers: members.filter((m) => m !== leader), version, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function waitForLeader(members: readonly EtcdMember[]): Promise<{ leader: EtcdMember; version: string }> {
  const clients = members.map((m) => new EtcdClient(`127.0.0.1:${m.clientPort}`));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = '';
  try {
    while (Date.now() < deadline) {
      const statuses = await Promise.all(clients.map((c) => c.status(1000).catch((e: Error) => e)));
      const ok = statuses.filter((s): s is StatusResult => !(s instanceof Error));
      if (ok.length === members.length) {
        const leaderId = ok[0]!.leader;
        const leaderIndex = ok.findIndex((s) => s.memberId === leaderId);
        if (leaderId !== '0' && leaderIndex >= 0 && ok.every((s) => s.leader === leaderId)) {
          return { leader: members[leaderIndex]!, version: ok[0]!.version };
        }
      }
      last = statuses.map((s, i) => `${members[i]!.name}: ${s instanceof Error ? s.message : `member ${s.memberId} leader ${s.leader}`}`).join('; ');
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    for (const c of clients) c.close();
  }
  throw new Error(`etcd cluster: no agreed leader within ${READY_TIMEOUT_MS} ms (${last})`);
}
