// Runs redis-benchmark against redis-server (no persistence), redis-server with
// appendfsync always, and pikiraft (compiled, from dist/) in one run, and reports ops/s and ratios.
//
//   node dist/bench/redis-benchmark.js [--requests N] [--quick] [--clients N] [--tests set,get,incr]
//
// Every process started here is killed by PID on exit, error or Ctrl-C.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../src/util/free-port.js';
import { installCleanup, runMain, tempDir, track } from './cluster/processes.js';

const HERE = dirname(fileURLToPath(import.meta.url));
// Compiled to dist/bench/, run from source via tsx in bench/: find the repository root either way.
const ROOT = existsSync(join(HERE, '../package.json')) ? resolve(HERE, '..') : resolve(HERE, '../..');
const SERVER_ENTRY = join(ROOT, 'dist/src/bin/pikiraft-server.js');
const RESULTS = join(ROOT, 'bench/results/latest.md');
const READY_TIMEOUT_MS = 30_000;

interface Options {
  requests: number;
  clients: number;
  tests: string[];
  pipelines: number[];
}

function parseOptions(argv: readonly string[]): Options {
  const o: Options = { requests: 200_000, clients: 50, tests: ['set', 'get', 'incr'], pipelines: [1, 16] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--requests' || a === '-n') o.requests = positiveInt(a, value());
    else if (a === '--clients' || a === '-c') o.clients = positiveInt(a, value());
    else if (a === '--tests' || a === '-t') o.tests = value().split(',').filter(Boolean);
    else if (a === '--quick') o.requests = 10_000;
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: redis-benchmark.js [--requests N] [--quick] [--clients N] [--tests set,get,incr]\n');
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  return o;
}

function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} must be a positive integer, got '${text}'`);
  return n;
}

// ---- processes ------------------------------------------------------------------------------

installCleanup();

/** Resolves once PING gets +PONG. */
async function waitForPong(port: number, child: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((res) => {
      const s = createConnection(port, '127.0.0.1');
      let data = '';
      s.setTimeout(1000, () => s.destroy());
      s.on('connect', () => s.write('PING\r\n'));
      s.on('data', (d) => {
        data += d.toString();
        if (data.includes('\r\n')) s.destroy();
      });
      s.on('error', () => res(false));
      s.on('close', () => res(data.startsWith('+PONG')));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} on port ${port} did not answer PING within ${READY_TIMEOUT_MS} ms`);
}

interface Target {
  readonly name: string;
  readonly port: number;
  readonly child: ChildProcess;
}

async function startTarget(name: string, command: string, args: (port: number, dir: string) => string[]): Promise<Target> {
  const port = await freePort();
  const dir = tempDir(`bench-${name}-`);
  const child = track(spawn(command, args(port, dir), { stdio: ['ignore', 'ignore', 'inherit'] }));
  await waitForPong(port, child, name);
  return { name, port, child };
}

async function stopTarget(t: Target): Promise<void> {
  if (t.child.exitCode !== null || t.child.signalCode !== null) return;
  const exited = new Promise<void>((r) => t.child.once('exit', () => r()));
  if (t.child.pid !== undefined) process.kill(t.child.pid, 'SIGKILL');
  await exited;
}

function rssKiB(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  const r = spawnSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' });
  const n = Number(r.stdout.trim());
  return r.status === 0 && Number.isFinite(n) && n > 0 ? n : null;
}

// ---- redis-benchmark ---------------------------------------------------------------------------

/** ops/s per test name (upper case, as redis-benchmark prints it); a test that failed is absent. */
type Results = Map<string, number>;

/** Runs one redis-benchmark test; asynchronous so a signal can stop everything while it runs. */
async function runBenchmark(port: number, o: Options, pipeline: number, test: string): Promise<number | null> {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-c', String(o.clients), '-n', String(o.requests)];
  args.push('-t', test, '-P', String(pipeline), '--csv');
  const child = track(spawn('redis-benchmark', args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const status = await new Promise<number | null>((res, rej) => {
    child.once('error', rej);
    child.once('close', (code) => res(code));
  });
  const ops = parseCsv(stdout).get(test.toUpperCase());
  // An error reply (e.g. an unimplemented command) makes redis-benchmark print it and exit non-zero.
  if (status !== 0 || ops === undefined || /Error from server/i.test(stderr)) {
    const why = stderr.split('\n').find((l) => /error/i.test(l)) ?? `exit code ${status}`;
    process.stderr.write(`  ${test} -P ${pipeline} on port ${port}: n/a (${why.trim().slice(0, 200)})\n`);
    return null;
  }
  return ops;
}

/** redis-benchmark --csv: a header line, then `"SET","123456.78",...` per test. */
export function parseCsv(text: string): Results {
  const out: Results = new Map();
  for (const line of text.split('\n')) {
    const cells = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    if (cells.length < 2 || cells[0] === 'test') continue;
    const ops = Number(cells[1]);
    if (cells[0] && Number.isFinite(ops)) out.set(cells[0].split(' ')[0]!.toUpperCase(), ops);
  }
  return out;
}

// ---- report ----------------------------------------------------------------------------------

interface Row {
  test: string;
  pipeline: number;
  redis: number | null;
  always: number | null;
  pikiraft: number | null;
}

const fmtOps = (n: number | null): string => (n === null ? 'n/a' : Math.round(n).toLocaleString('en-US'));
const fmtRatio = (a: number | null, b: number | null): string => (a === null || b === null || b === 0 ? 'n/a' : (a / b).toFixed(2));

export function renderTable(rows: readonly Row[]): string {
  const lines = [
    '| test | pipeline | redis ops/s | redis-always ops/s | pikiraft ops/s | pikiraft/redis | pikiraft/redis-always |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.test} | ${r.pipeline} | ${fmtOps(r.redis)} | ${fmtOps(r.always)} | ${fmtOps(r.pikiraft)} | ${fmtRatio(r.pikiraft, r.redis)} | ${fmtRatio(r.pikiraft, r.always)} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  if (!existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} is missing: run npm run build first`);
  for (const bin of ['redis-server', 'redis-benchmark']) {
    if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) throw new Error(`${bin} is not installed`);
  }
  const started = new Date();
  const redis = await startTarget('redis', 'redis-server', (port, dir) => [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no',
  ]);
  const always = await startTarget('redis-always', 'redis-server', (port, dir) => [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always',
  ]);
  const pikiraft = await startTarget('pikiraft', process.execPath, (port, dir) => [
    SERVER_ENTRY, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--loglevel', 'warning',
  ]);
  const targets = [redis, always, pikiraft];
  const rows: Row[] = [];
  for (const pipeline of o.pipelines) {
    for (const test of o.tests) {
      const row: Row = { test, pipeline, redis: null, always: null, pikiraft: null };
      for (const t of targets) {
        process.stderr.write(`${t.name}: ${test} -P ${pipeline} -c ${o.clients} -n ${o.requests}\n`);
        const ops = await runBenchmark(t.port, o, pipeline, test);
        if (t === redis) row.redis = ops;
        else if (t === always) row.always = ops;
        else row.pikiraft = ops;
      }
      rows.push(row);
    }
  }
  const rss = rssKiB(pikiraft.child.pid);
  const redisRss = rssKiB(redis.child.pid);
  for (const t of targets) await stopTarget(t);
  const table = renderTable(rows);
  const report = [
    `# redis-benchmark: pikiraft vs redis-server`,
    '',
    `${started.toISOString()} · redis-benchmark -c ${o.clients} -n ${o.requests} -t ${o.tests.join(',')} · ` +
      `redis = redis-server --save '' --appendonly no · redis-always = --appendonly yes --appendfsync always · ` +
      `pikiraft = dist/src/bin/pikiraft-server.js (single node, fdatasync per group commit)`,
    '',
    table,
    '',
    `RSS after the run: pikiraft ${rss === null ? 'n/a' : `${(rss / 1024).toFixed(1)} MiB`}, ` +
      `redis ${redisRss === null ? 'n/a' : `${(redisRss / 1024).toFixed(1)} MiB`}`,
    '',
  ].join('\n');
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, report);
  process.stdout.write(`${report}\nwritten to ${RESULTS}\n`);
}

runMain(main);
