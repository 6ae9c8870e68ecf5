// Starts a real pikiraft-server process on a free port with a fresh data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../src/util/free-port.js';

export { freePort };

const ROOT = resolve(import.meta.dirname, '../..');

// Servers still running when the test worker exits (a failed beforeAll skips cleanup) are
// killed by PID, so no test run leaves processes behind.
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Kills `child` by PID when the test worker exits, if it is still running then. */
export function killOnWorkerExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

const DIST_ENTRY = join(ROOT, 'dist/src/bin/pikiraft-server.js');
const SRC_ENTRY = join(ROOT, 'src/bin/pikiraft-server.ts');


export interface ServerHandle {
  readonly port: number;
  readonly dir: string;
  readonly process: ChildProcess;
  /** Output captured from the server (logs). */
  output(): string;
  client(opts?: { db?: number; protocol?: 2 | 3 }): Redis;
  /** SIGTERM and wait for exit; returns the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait. */
  kill(): Promise<void>;
  /** Starts a new process on the same port and data directory. */
  restart(): Promise<ServerHandle>;
  /** Stops (if running) and removes the data directory. */
  cleanup(): Promise<void>;
}

export interface StartOptions {
  readonly args?: readonly string[];
  readonly dir?: string;
  readonly port?: number;
  /** Run the compiled server from dist/ (as `npm start` does) instead of the TypeScript source. */
  readonly dist?: boolean;
}

export async function startServer(opts: StartOptions = {}): Promise<ServerHandle> {
  const port = opts.port ?? (await freePort());
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'pikiraft-test-'));
  const args = ['--port', String(port), '--dir', dir, '--bind', '127.0.0.1', ...(opts.args ?? [])];
  const cmd = opts.dist ? [DIST_ENTRY, ...args] : ['--import', 'tsx', SRC_ENTRY, ...args];
  const child = spawn(process.execPath, cmd, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  killOnWorkerExit(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const clients: Redis[] = [];
  await waitForReady(port, child, () => out);
  const handle: ServerHandle = {
    port,
    dir,
    process: child,
    output: () => out,
    client: (o = {}) => {
      const c = new Redis({ port, host: '127.0.0.1', db: o.db ?? 0, lazyConnect: false, maxRetriesPerRequest: 0, enableOfflineQueue: true, retryStrategy: () => null });
      c.on('error', () => undefined);
      clients.push(c);
      return c;
    },
    stop: async () => {
      for (const c of clients) c.disconnect();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      for (const c of clients) c.disconnect();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    restart: async () => {
      await handle.stop();
      return startServer({ ...opts, port, dir });
    },
    cleanup: async () => {
      await handle.kill();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}

async function waitForReady(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output()}`);
    if (output().includes('ready to accept connections')) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill('SIGKILL');
  throw new Error(`server on port ${port} did not become ready:\n${output()}`);
}
