// Short-lived control connections from the runner to a node: INFO raft, CONFIG SET, PING. Each
// call opens and closes its own connection, so a paused or dead node costs one timeout.
import type { Redis } from 'ioredis';
import { opClient } from './op-client.js';
import type { NodeAddress } from './backends/backend.js';

const CONTROL_TIMEOUT_MS = 1000;

async function withClient<T>(node: NodeAddress, f: (c: Redis) => Promise<T>): Promise<T> {
  const c = opClient(node, CONTROL_TIMEOUT_MS);
  try {
    await c.connect();
    return await f(c);
  } finally {
    c.disconnect();
  }
}

export interface RaftStatus {
  readonly role: string;
  readonly term: number;
  readonly leaderId: number;
  readonly commitIndex: number;
  readonly appliedIndex: number;
}

export async function raftStatus(node: NodeAddress): Promise<RaftStatus> {
  const text = await withClient(node, (c) => c.info('raft'));
  const fields = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) fields.set(line.slice(0, i), line.slice(i + 1));
  }
  const num = (k: string): number => Number(fields.get(k) ?? NaN);
  return { role: fields.get('role') ?? 'unknown', term: num('term'), leaderId: num('leader_id'), commitIndex: num('commit_index'), appliedIndex: num('applied_index') };
}

export async function configSet(node: NodeAddress, name: string, value: string): Promise<void> {
  await withClient(node, (c) => c.config('SET', name, value));
}

export async function ping(node: NodeAddress): Promise<boolean> {
  return withClient(node, async (c) => (await c.ping()) === 'PONG').catch(() => false);
}
