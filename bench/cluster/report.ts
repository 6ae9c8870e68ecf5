// The cluster benchmark's Markdown report: the comparison table, the CPU cost per request, the
// conditions of the run, and whether the targets were met (so the README can quote it).
import type { LoadResult } from './load.js';

/** per-client: each load-generator client has its own HTTP/2 connection (like each Redis client); shared: all multiplex over one. */
export type EtcdConnections = 'per-client' | 'shared';

export interface Row {
  readonly workload: string;
  readonly kind: 'write' | 'read';
  readonly where: string;
  readonly etcdConnections: EtcdConnections;
  readonly pikiraft: LoadResult;
  readonly etcd: LoadResult;
}

export interface RedisBenchmarkRow {
  readonly test: string;
  readonly where: string;
  readonly result: { opsPerSec: number; p50Ms: number; p99Ms: number } | null;
}

export interface ReportInput {
  readonly started: Date;
  readonly options: { durationMs: number; warmupMs: number; clients: number; requests: number; keys: number; valueSize: number; etcdClient: 'http2' | 'grpc-js'; quick: boolean };
  readonly etcdVersion: string;
  readonly cores: number;
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
  readonly rows: readonly Row[];
  readonly redisRows: readonly RedisBenchmarkRow[];
  /** CPU of each idle cluster (3 processes together) as a fraction of one core, before any load. */
  readonly idleCpu: { pikiraft: number; etcd: number };
}

/** The targets: on the leader, ops/s ≥ 3× etcd's and p99 ≤ etcd's, for writes and reads. */
export const TARGET_RATIO = 3;

const ops = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const ms = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');
const cpu = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const errs = (r: LoadResult): string => (r.errors > 0 ? ` (${r.errors} errors: ${r.firstError ?? ''})` : '');

export function renderTable(rows: readonly Row[], redisRows: readonly RedisBenchmarkRow[]): string {
  const lines = [
    '| workload | via | pikiraft ops/s | p50 ms | p99 ms | etcd conns | etcd ops/s | p50 ms | p99 ms | ratio (ops/s) |',
    '|---|---|---:|---:|---:|---|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const p = r.pikiraft;
    const e = r.etcd;
    lines.push(
      `| ${r.workload} | ${r.where} | ${ops(p.opsPerSec)}${errs(p)} | ${ms(p.p50Ms)} | ${ms(p.p99Ms)} | ${r.etcdConnections} | ${ops(e.opsPerSec)}${errs(e)} | ${ms(e.p50Ms)} | ${ms(e.p99Ms)} | ${ratio(p.opsPerSec, e.opsPerSec)} |`,
    );
  }
  for (const r of redisRows) {
    const x = r.result;
    const name = `redis-benchmark ${r.test.toUpperCase()}`;
    lines.push(x === null ? `| ${name} | ${r.where} | n/a | | | — | — | — | — | — |` : `| ${name} | ${r.where} | ${ops(x.opsPerSec)} | ${ms(x.p50Ms)} | ${ms(x.p99Ms)} | — | — | — | — | — |`);
  }
  return lines.join('\n');
}

export function renderCpuTable(rows: readonly Row[]): string {
  const lines = [
    '| workload | via | etcd conns | pikiraft servers | etcd servers | load generator → pikiraft | load generator → etcd |',
    '|---|---|---|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(`| ${r.workload} | ${r.where} | ${r.etcdConnections} | ${cpu(r.pikiraft.serverCpuPerKOps)} | ${cpu(r.etcd.serverCpuPerKOps)} | ${cpu(r.pikiraft.clientCpuPerKOps)} | ${cpu(r.etcd.clientCpuPerKOps)} |`);
  }
  return lines.join('\n');
}

/**
 * Judged on the leader rows against etcd's best layout: the highest etcd ops/s and, separately,
 * the lowest etcd p99, so a "met" never rests on etcd's weaker configuration.
 */
export function targetVerdicts(rows: readonly Row[]): string[] {
  const out: string[] = [];
  const leader = rows.filter((x) => x.where === 'leader');
  for (const workload of [...new Set(leader.map((r) => r.workload))]) {
    const group = leader.filter((r) => r.workload === workload);
    const p = group[0]!.pikiraft;
    const bestOps = group.reduce((a, b) => (b.etcd.opsPerSec > a.etcd.opsPerSec ? b : a));
    const bestP99 = group.reduce((a, b) => (b.etcd.p99Ms < a.etcd.p99Ms ? b : a));
    const x = p.opsPerSec / bestOps.etcd.opsPerSec;
    out.push(
      `${workload}: ops/s ${x.toFixed(2)}× etcd's best (${bestOps.etcdConnections}) — target ≥ ${TARGET_RATIO}×: ${x >= TARGET_RATIO ? 'met' : 'not met'}; ` +
        `p99 ${ms(p.p99Ms)} ms vs etcd's best ${ms(bestP99.etcd.p99Ms)} ms (${bestP99.etcdConnections}) — target ≤: ${p.p99Ms <= bestP99.etcd.p99Ms ? 'met' : 'not met'}`,
    );
  }
  return out;
}

export function formatReport(i: ReportInput): string {
  const o = i.options;
  const la = (l: readonly number[]): string => l.map((n) => n.toFixed(2)).join(' / ');
  return [
    '# Cluster benchmark: 3-node pikiraft vs 3-member etcd',
    '',
    `${i.started.toISOString()}${o.quick ? ' (--quick)' : ''} · loopback, ${i.cores} cores shared by all 6 servers, the load generator, ` +
      `and other work on the machine (load average 1/5/15 min: ${la(i.loadBefore)} before, ${la(i.loadAfter)} after) · ` +
      `etcd ${i.etcdVersion} (Debian etcd-server, default flags: WAL fsync on every commit) · ` +
      'pikiraft = dist/src/bin/pikiraft-server.js, default config (linearizable reads via ReadIndex, fdatasync per group commit)',
    '',
    `Node load generator: ${o.clients} clients, one request outstanding each, ${o.warmupMs / 1000} s warm-up + ${o.durationMs / 1000} s measured per row, ` +
      `${o.keys.toLocaleString('en-US')} keys, ${o.valueSize}-byte values. pikiraft: RESP over one TCP connection per client. ` +
      `etcd: gRPC (KV.Put, KV.Range with serializable=false) via ${o.etcdClient === 'http2' ? 'a minimal gRPC client on node:http2' : '@grpc/grpc-js'}, ` +
      'with one HTTP/2 connection per client ("per-client") or all 50 clients multiplexed on one ("shared", how clientv3 is normally used). ' +
      `redis-benchmark: -c ${o.clients} -n ${o.requests} -P 1 -d ${o.valueSize} -r ${o.keys}. ` +
      'Ratio = pikiraft ops/s ÷ etcd ops/s. "via follower": the clients talk to a follower (pikiraft proxies to the leader; ' +
      'an etcd follower forwards the proposal and asks the leader for a read index).',
    '',
    renderTable(i.rows, i.redisRows),
    '',
    'CPU time per 1,000 requests (ms, user + system, during the measured window; servers = sum of the 3 members):',
    '',
    renderCpuTable(i.rows),
    '',
    `Both clusters run for the whole benchmark; idle, before any load, they used ${(i.idleCpu.pikiraft * 100).toFixed(1)}% (pikiraft) ` +
      `and ${(i.idleCpu.etcd * 100).toFixed(1)}% (etcd) of one core.`,
    '',
    'Targets (leader rows):',
    '',
    ...targetVerdicts(i.rows).map((v) => `- ${v}`),
    '',
  ].join('\n');
}
