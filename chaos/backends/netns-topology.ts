// The netns backend's network: one namespace per node and a hub namespace holding a bridge,
// each node joined to it by a veth pair. Nodes get 10.213.0.<id>, the hub 10.213.0.254; the
// runner and its clients live in the hub. Everything is named after a per-run tag so that
// cleanup removes exactly what this run made. Linux and root only.
import { run } from './exec.js';

export const NETNS_SUBNET_PREFIX = '10.213.0.';
export const NETNS_HUB_ADDRESS = `${NETNS_SUBNET_PREFIX}254`;

export interface NetnsNames {
  readonly tag: string;
  readonly hub: string;
  node(id: number): string;
}

export function netnsNames(tag: string): NetnsNames {
  return { tag, hub: `${tag}-hub`, node: (id) => `${tag}-n${id}` };
}

export function nodeAddress(id: number): string {
  return `${NETNS_SUBNET_PREFIX}${id}`;
}

/** Creates the namespaces; on failure removes whatever it made and rethrows. */
export async function createTopology(tag: string, nodeCount: number): Promise<NetnsNames> {
  const names = netnsNames(tag);
  try {
    await run('ip', ['netns', 'add', names.hub]);
    await run('ip', ['-n', names.hub, 'link', 'set', 'lo', 'up']);
    await run('ip', ['-n', names.hub, 'link', 'add', 'br0', 'type', 'bridge']);
    await run('ip', ['-n', names.hub, 'addr', 'add', `${NETNS_HUB_ADDRESS}/24`, 'dev', 'br0']);
    await run('ip', ['-n', names.hub, 'link', 'set', 'br0', 'up']);
    for (let id = 1; id <= nodeCount; id++) {
      const ns = names.node(id);
      await run('ip', ['netns', 'add', ns]);
      await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      await run('ip', ['-n', names.hub, 'link', 'add', `vn${id}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
      await run('ip', ['-n', names.hub, 'link', 'set', `vn${id}`, 'master', 'br0', 'up']);
      await run('ip', ['-n', ns, 'addr', 'add', `${nodeAddress(id)}/24`, 'dev', 'eth0']);
      await run('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
    }
  } catch (e) {
    await destroyTopology(tag);
    throw e;
  }
  return names;
}

/** Namespaces of this tag that exist now. */
export async function listNamespaces(tag: string): Promise<string[]> {
  const out = await run('ip', ['netns', 'list']);
  return out
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(`${tag}-`));
}

const destroying = new Map<string, Promise<string[]>>();

/**
 * Kills every process still inside this run's namespaces (by PID, as `ip netns pids` lists them)
 * and deletes the namespaces; their veths, bridge and iptables rules go with them. Concurrent
 * calls for one tag (Ctrl-C during the normal teardown) share one pass.
 */
export function destroyTopology(tag: string): Promise<string[]> {
  let p = destroying.get(tag);
  if (p === undefined) {
    p = destroyOnce(tag).finally(() => destroying.delete(tag));
    destroying.set(tag, p);
  }
  return p;
}

async function destroyOnce(tag: string): Promise<string[]> {
  const removed: string[] = [];
  const failures: string[] = [];
  for (const ns of await listNamespaces(tag)) {
    const pids = (await run('ip', ['netns', 'pids', ns]).catch(() => ''))
      .split('\n')
      .map((s) => Number(s.trim()))
      .filter((p) => Number.isInteger(p) && p > 0 && p !== process.pid);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone between listing and killing: nothing left to stop.
      }
    }
    try {
      await run('ip', ['netns', 'del', ns]);
      removed.push(ns);
    } catch (e) {
      failures.push((e as Error).message);
    }
  }
  // Go on with the other namespaces first, then report: a half-removed topology is worse.
  if (failures.length > 0) throw new Error(failures.join('; '));
  return removed;
}
