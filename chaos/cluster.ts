// The cluster under test: real pikiraft-server processes (compiled, from dist/), each started
// through the backend (its address, its raft-peers view, its namespace). Every process is
// tracked by PID so that kill, pause and the final cleanup act on exactly what this run started.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Backend, NodeAddress } from './backends/backend.js';
import { ping, raftStatus, type RaftStatus } from './control-client.js';

export const REPO_ROOT = resolve(import.meta.dirname, import.meta.dirname.includes('/dist/') ? '../..' : '..');
export const SERVER_ENTRY = join(REPO_ROOT, 'dist/src/bin/pikiraft-server.js');

const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5000;
const POLL_MS = 100;

export type NodeState = 'running' | 'paused' | 'dead';

export interface ClusterNode {
  readonly address: NodeAddress;
  child: ChildProcess | null;
  state: NodeState;
  /** Restarts so far (each kill + restart makes a new process). */
  starts: number;
}

export interface ClusterOptions {
  /** Where the nodes' data directories go. */
  readonly dataDir: string;
  /** Where each node's output is appended (node<id>.log). */
  readonly logDir: string;
  /** Extra server flags, `--name value` pairs without the dashes: ['read-consistency', 'stale']. */
  readonly serverArgs: readonly string[];
  readonly requestTimeoutMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class ChaosCluster {
  readonly nodes: ClusterNode[];
  /** Every server PID this cluster ever started, in order. */
  readonly startedPids: number[] = [];
  private readonly logs = new Map<number, WriteStream>();

  constructor(
    readonly backend: Backend,
    private readonly o: ClusterOptions,
  ) {
    if (!existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} is missing: run npm run build first`);
    this.nodes = backend.nodes.map((address) => ({ address, child: null, state: 'dead', starts: 0 }));
  }

  node(id: number): ClusterNode {
    const n = this.nodes.find((x) => x.address.id === id);
    if (n === undefined) throw new Error(`invariant violated: no node ${id}`);
    return n;
  }

  /** All PIDs this cluster has running now (for the report and for emergency cleanup). */
  pids(): number[] {
    return this.nodes.flatMap((n) => (n.child?.pid !== undefined && n.state !== 'dead' ? [n.child.pid] : []));
  }

  async startAll(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.start(n.address.id)));
  }

  /** Starts node `id` (fresh or after a kill, same data directory) and waits until it answers PING. */
  async start(id: number): Promise<number> {
    const n = this.node(id);
    if (n.state !== 'dead') throw new Error(`invariant violated: node ${id} started while ${n.state}`);
    const a = n.address;
    const dataDir = join(this.o.dataDir, `node${id}`);
    mkdirSync(dataDir, { recursive: true });
    const args = [
      SERVER_ENTRY,
      '--port', String(a.clientPort),
      '--bind', this.backend.bindFor(id),
      '--dir', dataDir,
      '--raft-node-id', String(id),
      '--raft-peers', this.backend.peersFor(id),
      '--raft-tick-ms', '50',
      '--raft-request-timeout-ms', String(this.o.requestTimeoutMs),
      '--loglevel', 'notice',
      ...this.o.serverArgs.map((s, i) => (i % 2 === 0 ? `--${s}` : s)),
    ];
    const cmd = this.backend.wrapCommand(id, process.execPath, args);
    const child = spawn(cmd.command, cmd.args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    n.child = child;
    n.state = 'running';
    if (child.pid !== undefined) this.startedPids.push(child.pid);
    n.starts++;
    const log = this.logFor(id);
    log.write(`--- start #${n.starts} pid ${child.pid} ---\n`);
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    child.once('exit', (code, signal) => {
      log.write(`--- pid ${child.pid} exited (${signal ?? code}) ---\n`);
      if (n.child === child) n.state = 'dead';
    });
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (n.child !== child || (n.state as NodeState) === 'dead') throw new Error(`node ${id} exited while starting (see its log)`);
      if (await ping(a)) return child.pid!;
      await sleep(POLL_MS);
    }
    throw new Error(`node ${id} did not answer PING within ${START_TIMEOUT_MS} ms`);
  }

  private logFor(id: number): WriteStream {
    let s = this.logs.get(id);
    if (s === undefined) {
      mkdirSync(this.o.logDir, { recursive: true });
      s = createWriteStream(join(this.o.logDir, `node${id}.log`), { flags: 'a' });
      this.logs.set(id, s);
    }
    return s;
  }

  /** kill -9 by PID; resolves once the process is gone. Returns the PID killed, or null if not running. */
  async kill(id: number): Promise<number | null> {
    const n = this.node(id);
    const child = n.child;
    if (child === null || n.state === 'dead' || child.pid === undefined) return null;
    const exited = new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));
    process.kill(child.pid, 'SIGKILL');
    await exited;
    n.state = 'dead';
    return child.pid;
  }

  pause(id: number): number | null {
    const n = this.node(id);
    if (n.state !== 'running' || n.child?.pid === undefined) return null;
    process.kill(n.child.pid, 'SIGSTOP');
    n.state = 'paused';
    return n.child.pid;
  }

  /** SIGCONT, but only to `pid` if it is still this node's process (a kill may have replaced it). */
  resume(id: number, pid?: number): number | null {
    const n = this.node(id);
    if (n.state !== 'paused' || n.child?.pid === undefined || (pid !== undefined && n.child.pid !== pid)) return null;
    process.kill(n.child.pid, 'SIGCONT');
    n.state = 'running';
    return n.child.pid;
  }

  /** The leader every answering running node agrees on (highest term wins), or null. */
  async leader(): Promise<number | null> {
    const running = this.nodes.filter((n) => n.state === 'running');
    const statuses = await Promise.all(running.map((n) => raftStatus(n.address).catch(() => null)));
    let best: { id: number; term: number } | null = null;
    running.forEach((n, i) => {
      const s = statuses[i];
      if (s?.role === 'leader' && (best === null || s.term > best.term)) best = { id: n.address.id, term: s.term };
    });
    return (best as { id: number } | null)?.id ?? null;
  }

  /** Statuses of every node (null: not answering). */
  async statuses(): Promise<(RaftStatus | null)[]> {
    return Promise.all(this.nodes.map((n) => (n.state === 'running' ? raftStatus(n.address).catch(() => null) : Promise.resolve(null))));
  }

  /** SIGTERM every process, SIGKILL what has not exited after a grace period; all by PID. */
  async stopAll(): Promise<void> {
    await Promise.all(
      this.nodes.map(async (n) => {
        const child = n.child;
        if (child === null || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        if (n.state === 'paused') process.kill(child.pid, 'SIGCONT');
        process.kill(child.pid, 'SIGTERM');
        const timer = setTimeout(() => {
          if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
        }, STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
        n.state = 'dead';
      }),
    );
    for (const s of this.logs.values()) s.end();
    this.logs.clear();
  }

  /** Synchronous last resort (process exit handler): SIGKILL every PID still running. */
  killAllNow(): void {
    for (const n of this.nodes) {
      const pid = n.child?.pid;
      if (pid !== undefined && n.child!.exitCode === null && n.child!.signalCode === null) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Exited meanwhile.
        }
      }
    }
  }
}
