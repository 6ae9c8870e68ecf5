// Closed-loop load generator: N clients, each with one request outstanding at a time, for a
// warm-up and then a measured window. Latency is per request (hrtime, send to reply); ops/s
// counts the requests that completed inside the measured window. CPU time of this process and of
// the servers is sampled over the same window, because on a 2-core machine the load generator and
// the three servers compete for the same cores.
import { cpuMs } from './processes.js';

export interface LoadOptions {
  readonly warmupMs: number;
  readonly durationMs: number;
  /** PIDs whose CPU time is summed as "server CPU" (the 3 cluster members). */
  readonly serverPids: readonly number[];
}

/** One connection of the load generator. `op` performs request number `seq` of this client. */
export interface LoadClient {
  op(seq: number): Promise<void>;
  close(): void;
}

export interface LoadResult {
  readonly ops: number;
  readonly opsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly firstError: string | null;
  /** CPU ms per 1,000 completed requests, of this process (the client side) and of the servers. */
  readonly clientCpuPerKOps: number;
  readonly serverCpuPerKOps: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The q-quantile (nearest rank) of an ascending array. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export async function runLoad(clients: readonly LoadClient[], o: LoadOptions): Promise<LoadResult> {
  const start = performance.now();
  const measureFrom = start + o.warmupMs;
  const measureTo = measureFrom + o.durationMs;
  // Latencies in ms, per client (no sharing, no locking), joined at the end.
  const latencies: number[][] = clients.map(() => []);
  let errors = 0;
  let firstError: string | null = null;
  let cpuAtStart: { client: NodeJS.CpuUsage; server: number } | null = null;
  let cpuAtEnd: { client: NodeJS.CpuUsage; server: number } | null = null;
  const serverCpu = (): number => o.serverPids.reduce((sum, pid) => sum + (cpuMs(pid) ?? 0), 0);
  const startTimer = setTimeout(() => (cpuAtStart = { client: process.cpuUsage(), server: serverCpu() }), o.warmupMs);
  const endTimer = setTimeout(() => (cpuAtEnd = { client: process.cpuUsage(), server: serverCpu() }), o.warmupMs + o.durationMs);

  const loop = async (client: LoadClient, mine: number[]): Promise<void> => {
    for (let seq = 0; ; seq++) {
      const t0 = performance.now();
      if (t0 >= measureTo) return;
      try {
        await client.op(seq);
        const t1 = performance.now();
        if (t0 >= measureFrom && t1 <= measureTo) mine.push(t1 - t0);
      } catch (e) {
        errors++;
        firstError ??= (e as Error).message;
        // A failing server must not turn the loop into a busy spin that starves the others.
        await sleep(10);
      }
    }
  };
  await Promise.all(clients.map((c, i) => loop(c, latencies[i]!)));
  // The end timer fires at measureTo; the loops return at the first request boundary after it.
  while (cpuAtEnd === null) await sleep(5);
  clearTimeout(startTimer);
  clearTimeout(endTimer);

  const all = new Float64Array(latencies.reduce((n, l) => n + l.length, 0));
  let k = 0;
  for (const l of latencies) for (const v of l) all[k++] = v;
  all.sort();
  const ops = all.length;
  const begin = cpuAtStart as { client: NodeJS.CpuUsage; server: number } | null;
  const end = cpuAtEnd as { client: NodeJS.CpuUsage; server: number };
  const perKOps = (ms: number): number => (ops === 0 ? Number.NaN : (ms * 1000) / ops);
  const clientCpu = begin ? (end.client.user + end.client.system - begin.client.user - begin.client.system) / 1000 : Number.NaN;
  const server = begin ? end.server - begin.server : Number.NaN;
  return {
    ops,
    opsPerSec: ops / (o.durationMs / 1000),
    p50Ms: quantile(all, 0.5),
    p99Ms: quantile(all, 0.99),
    errors,
    firstError,
    clientCpuPerKOps: perKOps(clientCpu),
    serverCpuPerKOps: perKOps(server),
  };
}
