// 3-node benchmark on loopback: a pikiraft cluster and an etcd 3.4 cluster (Debian's etcd-server)
// run the same workload in the same run, interleaved row by row so that load from other work on
// this shared machine falls on both alike.
//
//   node dist/bench/cluster-benchmark.js [--quick] [--duration S] [--warmup S] [--clients N]
//        [--requests N] [--keys N] [--value-size N] [--no-followers]
//        [--etcd-connections per-client|shared|both] [--etcd-client http2|grpc-js]
//
// Workloads, each with 50 closed-loop clients (one request outstanding per client):
//   SET key value  vs  etcd Put                  — a replicated, fsynced write
//   GET key        vs  etcd Range (linearizable) — a read confirmed with the leader (ReadIndex)
// against the leader, and (unless --no-followers) against a follower, where pikiraft proxies
// to the leader and an etcd follower forwards the proposal / asks the leader for a read index.
// Then redis-benchmark -t set,get -P 1 against the pikiraft leader (no etcd counterpart).
//
// Every process started here is killed by PID on exit, error or Ctrl-C; temp dirs are removed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EtcdClient, type EtcdTransportKind } from './cluster/etcd-client.js';
import { startEtcdCluster, type EtcdMember } from './cluster/etcd-cluster.js';
import { runLoad, type LoadClient, type LoadResult } from './cluster/load.js';
import { startPikiraftCluster, type PikiraftNode } from './cluster/pikiraft-cluster.js';
import { cpuMs, installCleanup, runMain, runToEnd } from './cluster/processes.js';
import { RespClient } from './cluster/resp-client.js';
import { formatReport, targetVerdicts, type EtcdConnections, type RedisBenchmarkRow, type Row } from './cluster/report.js';

const HERE = dirname(fileURLToPath(import.meta.url));
// Compiled to dist/bench/, run from source via tsx in bench/: find the repository root either way.
const ROOT = existsSync(join(HERE, '../package.json')) ? resolve(HERE, '..') : resolve(HERE, '../..');
const SERVER_ENTRY = join(ROOT, 'dist/src/bin/pikiraft-server.js');
const RESULTS = join(ROOT, 'bench/results/cluster-latest.md');

export interface Options {
  durationMs: number;
  warmupMs: number;
  clients: number;
  requests: number;
  keys: number;
  valueSize: number;
  followers: boolean;
  /** etcd client connection layouts: each of the 50 clients on its own HTTP/2 connection, and/or all multiplexed on one. */
  etcdConnections: EtcdConnections[];
  etcdClient: EtcdTransportKind;
  quick: boolean;
}

const USAGE =
  'usage: cluster-benchmark.js [--quick] [--duration S] [--warmup S] [--clients N] [--requests N] ' +
  '[--keys N] [--value-size N] [--no-followers] [--etcd-connections per-client|shared|both] [--etcd-client http2|grpc-js]\n';

function parseOptions(argv: readonly string[]): Options {
  // Default: 10 s measured + 2 s warm-up per row, 10 rows, plus redis-benchmark (20,000 requests
  // per test, about 20 s for SET at the ~1,000 writes/s seen here): about 2.5 minutes.
  const o: Options = { durationMs: 10_000, warmupMs: 2_000, clients: 50, requests: 20_000, keys: 10_000, valueSize: 64, followers: true, etcdConnections: ['per-client', 'shared'], etcdClient: 'http2', quick: false };
  let duration: number | null = null;
  let warmup: number | null = null;
  let requests: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--duration') duration = positive(a, value()) * 1000;
    else if (a === '--warmup') warmup = nonNegative(a, value()) * 1000;
    else if (a === '--clients' || a === '-c') o.clients = positiveInt(a, value());
    else if (a === '--requests' || a === '-n') requests = positiveInt(a, value());
    else if (a === '--keys') o.keys = positiveInt(a, value());
    else if (a === '--value-size') o.valueSize = positiveInt(a, value());
    else if (a === '--no-followers') o.followers = false;
    else if (a === '--etcd-connections') {
      const v = value();
      if (v === 'both') o.etcdConnections = ['per-client', 'shared'];
      else if (v === 'per-client' || v === 'shared') o.etcdConnections = [v];
      else throw new Error(`--etcd-connections must be per-client, shared or both, got '${v}'`);
    }
    else if (a === '--etcd-client') {
      const v = value();
      if (v !== 'http2' && v !== 'grpc-js') throw new Error(`--etcd-client must be http2 or grpc-js, got '${v}'`);
      o.etcdClient = v;
    }
    else if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  // --quick: a smoke run under a minute (2 s + 0.5 s per row); explicit flags still win.
  if (o.quick) {
    o.durationMs = 2_000;
    o.warmupMs = 500;
    o.requests = 3_000;
  }
  if (duration !== null) o.durationMs = duration;
  if (warmup !== null) o.warmupMs = warmup;
  if (requests !== null) o.requests = requests;
  return o;
}

function positive(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number, got '${text}'`);
  return n;
}
function nonNegative(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} must be a number ≥ 0, got '${text}'`);
  return n;
}
function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} must be a positive integer, got '${text}'`);
  return n;
}

// ---- workloads ---------------------------------------------------------------------------------

type Kind = 'write' | 'read';

/**
 * Key of request `seq` of client `c`: the clients walk the key space in step, so a write phase of
 * at least `keys` requests leaves every key present for the read phase. Same format as
 * redis-benchmark's `key:__rand_int__` with -r, so all rows share one key space.
 */
function keyFor(o: Options, c: number, seq: number): string {
  const k = (c + seq * o.clients) % o.keys;
  return `key:${String(k).padStart(12, '0')}`;
}

async function pikiraftClients(o: Options, node: PikiraftNode, kind: Kind): Promise<LoadClient[]> {
  const value = Buffer.alloc(o.valueSize, 'x');
  return Promise.all(
    Array.from({ length: o.clients }, async (_, c): Promise<LoadClient> => {
      const client = await RespClient.connect('127.0.0.1', node.port);
      return {
        op: async (seq) => {
          const key = keyFor(o, c, seq);
          const r = await client.command(kind === 'write' ? ['SET', key, value] : ['GET', key]);
          if (r.kind === 'error') throw new Error(r.text);
          // A read either misses (key not written yet) or returns what the write phase wrote.
          if (kind === 'read' && r.kind === 'bulk' && r.value !== null && r.value.length !== o.valueSize) throw new Error(`GET ${key}: ${r.value.length}-byte value`);
        },
        close: () => client.close(),
      };
    }),
  );
}

async function etcdClients(o: Options, member: EtcdMember, kind: Kind, connections: EtcdConnections): Promise<LoadClient[]> {
  const value = Buffer.alloc(o.valueSize, 'x');
  return Promise.all(
    Array.from({ length: o.clients }, async (_, c): Promise<LoadClient> => {
      const client = new EtcdClient(`127.0.0.1:${member.clientPort}`, { transport: o.etcdClient, ownConnection: connections === 'per-client' });
      await client.waitForReady(10_000);
      return {
        op: async (seq) => {
          const key = Buffer.from(keyFor(o, c, seq));
          if (kind === 'write') await client.put(key, value);
          else {
            const r = await client.get(key); // serializable: false → linearizable, etcd's default
            if (r.value !== null && r.value.length !== o.valueSize) throw new Error(`Range ${key.toString()}: ${r.value.length}-byte value`);
          }
        },
        close: () => client.close(),
      };
    }),
  );
}

async function measure(name: string, o: Options, clients: LoadClient[], serverPids: readonly number[]): Promise<LoadResult> {
  process.stderr.write(`  ${name}: ${o.clients} clients, ${o.warmupMs / 1000} s warm-up + ${o.durationMs / 1000} s … `);
  try {
    const r = await runLoad(clients, { warmupMs: o.warmupMs, durationMs: o.durationMs, serverPids });
    process.stderr.write(`${Math.round(r.opsPerSec)} ops/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms${r.errors ? `, ${r.errors} errors (${r.firstError})` : ''}\n`);
    return r;
  } finally {
    for (const c of clients) c.close();
  }
}

// ---- redis-benchmark ---------------------------------------------------------------------------

/** redis-benchmark 7 --csv: `"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"`. */
export function parseRedisBenchmarkCsv(text: string): Map<string, { rps: number; p50: number; p99: number }> {
  const out = new Map<string, { rps: number; p50: number; p99: number }>();
  const rows = text.split('\n').map((l) => l.split(',').map((c) => c.trim().replace(/^"|"$/g, '')));
  const header = rows.find((r) => r[0] === 'test');
  if (!header) return out;
  const col = (name: string): number => header.indexOf(name);
  for (const r of rows) {
    if (r === header || r.length < header.length) continue;
    const rps = Number(r[col('rps')]);
    const p50 = Number(r[col('p50_latency_ms')]);
    const p99 = Number(r[col('p99_latency_ms')]);
    if (r[0] && Number.isFinite(rps)) out.set(r[0].split(' ')[0]!.toUpperCase(), { rps, p50, p99 });
  }
  return out;
}

async function redisBenchmark(o: Options, node: PikiraftNode, where: string): Promise<RedisBenchmarkRow[]> {
  const rows: RedisBenchmarkRow[] = [];
  for (const test of ['set', 'get']) {
    const args = ['-h', '127.0.0.1', '-p', String(node.port), '-c', String(o.clients), '-n', String(o.requests)];
    args.push('-t', test, '-P', '1', '-d', String(o.valueSize), '-r', String(o.keys), '--csv');
    process.stderr.write(`  redis-benchmark ${args.join(' ')} … `);
    const r = await runToEnd('redis-benchmark', args);
    const parsed = parseRedisBenchmarkCsv(r.stdout).get(test.toUpperCase());
    // An error reply makes redis-benchmark print it and exit non-zero.
    if (r.status !== 0 || parsed === undefined || /error/i.test(r.stderr)) {
      const why = r.stderr.split('\n').find((l) => /error/i.test(l)) ?? `exit code ${r.status}`;
      process.stderr.write(`n/a (${why.trim().slice(0, 200)})\n`);
      rows.push({ test, where, result: null });
      continue;
    }
    process.stderr.write(`${Math.round(parsed.rps)} ops/s, p50 ${parsed.p50} ms, p99 ${parsed.p99} ms\n`);
    rows.push({ test, where, result: { opsPerSec: parsed.rps, p50Ms: parsed.p50, p99Ms: parsed.p99 } });
  }
  return rows;
}

// ---- main --------------------------------------------------------------------------------------

const totalCpu = (pids: readonly number[]): number => pids.reduce((sum, pid) => sum + (cpuMs(pid) ?? 0), 0);

function requireBinary(bin: string, hint: string): string {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bin} is not installed: ${hint}`);
  return r.stdout.trim();
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  if (!existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} is missing: run npm run build first`);
  const etcdBinary = requireBinary('etcd', 'node scripts/ensure-etcd.mjs installs Debian\'s etcd-server');
  requireBinary('redis-benchmark', 'node scripts/ensure-redis-tools.mjs installs Debian\'s redis-tools');
  installCleanup();
  const started = new Date();
  const loadBefore = loadavg();

  process.stderr.write('starting a 3-node pikiraft cluster and a 3-member etcd cluster on loopback\n');
  const pikiraft = await startPikiraftCluster(SERVER_ENTRY);
  const etcd = await startEtcdCluster(etcdBinary);
  process.stderr.write(`pikiraft leader: node ${pikiraft.leader.id} (port ${pikiraft.leader.port}); etcd ${etcd.version} leader: ${etcd.leader.name} (port ${etcd.leader.clientPort})\n`);
  const pikiraftPids = pikiraft.nodes.map((n) => n.proc.pid);
  const etcdPids = etcd.members.map((m) => m.proc.pid);
  // Both clusters stay up for the whole run (so rows can alternate); what the idle one costs the
  // busy one is its background CPU, measured here before any load.
  const idleMs = o.quick ? 1_000 : 3_000;
  const cpuBefore = { pikiraft: totalCpu(pikiraftPids), etcd: totalCpu(etcdPids) };
  await new Promise((r) => setTimeout(r, idleMs));
  const idleCpu = {
    pikiraft: (totalCpu(pikiraftPids) - cpuBefore.pikiraft) / idleMs,
    etcd: (totalCpu(etcdPids) - cpuBefore.etcd) / idleMs,
  };
  process.stderr.write(`idle CPU: pikiraft ${(idleCpu.pikiraft * 100).toFixed(1)}% of a core, etcd ${(idleCpu.etcd * 100).toFixed(1)}%\n`);

  const targets: { where: string; pikiraft: PikiraftNode; etcd: EtcdMember }[] = [{ where: 'leader', pikiraft: pikiraft.leader, etcd: etcd.leader }];
  if (o.followers) targets.push({ where: 'follower', pikiraft: pikiraft.followers[0]!, etcd: etcd.followers[0]! });

  const rows: Row[] = [];
  for (const t of targets) {
    for (const kind of ['write', 'read'] as const) {
      const workload = kind === 'write' ? 'SET / PUT' : 'GET / linearizable GET';
      process.stderr.write(`${workload} via ${t.where}\n`);
      // pikiraft, then etcd, back to back, so both see much the same background load. Every etcd
      // connection layout is measured on the leader (the headline numbers); followers get the first.
      const p = await measure('pikiraft', o, await pikiraftClients(o, t.pikiraft, kind), pikiraftPids);
      for (const connections of t.where === 'leader' ? o.etcdConnections : o.etcdConnections.slice(0, 1)) {
        const e = await measure(`etcd (${connections} connection)`, o, await etcdClients(o, t.etcd, kind, connections), etcdPids);
        rows.push({ workload, kind, where: t.where, etcdConnections: connections, pikiraft: p, etcd: e });
      }
    }
  }
  process.stderr.write('redis-benchmark against the pikiraft leader\n');
  const redisRows = await redisBenchmark(o, pikiraft.leader, 'leader');

  await pikiraft.stop();
  await etcd.stop();
  const report = formatReport({
    started,
    options: o,
    etcdVersion: etcd.version,
    cores: cpus().length,
    loadBefore,
    loadAfter: loadavg(),
    rows,
    redisRows,
    idleCpu,
  });
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, report);
  process.stdout.write(`${report}\nwritten to ${RESULTS}\n`);
  for (const v of targetVerdicts(rows)) process.stderr.write(`${v}\n`);
}

runMain(main);
