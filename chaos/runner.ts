// One chaos run, start to finish: pick the backend, start a fresh cluster, run the workload's
// clients and the seed's fault schedule for the given time, heal, wait for recovery, do the
// final reads, check, and write the report. Everything started is registered for cleanup, so
// Ctrl-C leaves no process, proxy or rule behind.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Backend } from './backends/backend.js';
import { chooseBackend, detectBackends, type Detection } from './backends/detect.js';
import { NetnsBackend } from './backends/netns.js';
import { ProxyBackend } from './backends/proxy.js';
import { onCleanup } from './cleanup.js';
import { ClientWorker } from './client-worker.js';
import { ChaosCluster } from './cluster.js';
import { completedOps, countByType, History } from './history.js';
import { NemesisExecutor } from './nemesis/executor.js';
import { runInNetns } from './netns-run.js';
import type { RunOptions } from './options.js';
import { phase, ProgressDisplay } from './progress.js';
import { finalReads, waitForRecovery, type Recovery } from './recovery.js';
import { overallVerdict, type RunResults } from './report/results.js';
import { readResults, summaryLine } from './report/summary.js';
import { writeReport } from './report/write.js';
import { generateSchedule } from './schedule.js';
import { makeWorkload } from './workloads/index.js';

export interface RunOutcome {
  readonly ok: boolean;
  readonly reportDir: string;
  readonly summary: string;
  readonly results: RunResults | null;
}

/** How the netns backend's outer process hands the run to the inner one (inside the hub namespace). */
export interface InnerRun {
  readonly netnsTag: string;
  readonly reportDir: string;
}

const LEADER_TIMEOUT_MS = 30_000;
const FINAL_READS_TIMEOUT_MS = 30_000;

function availability(a: { available: boolean; reason: string }): string {
  return a.available ? 'available' : `unavailable (${a.reason.replace(/^unavailable: /, '')})`;
}

export function reportDirFor(o: RunOptions): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return resolve(o.outDir, `${o.workload}-seed${o.seed}-${stamp}`);
}

export async function runChaos(o: RunOptions, inner?: InnerRun): Promise<RunOutcome> {
  const detection = await detectBackends();
  if (inner !== undefined) return runWithBackend(o, new NetnsBackend(inner.netnsTag, o.nodes), detection, inner.reportDir);
  const reportDir = reportDirFor(o);
  if (chooseBackend(o.backend, detection) === 'netns') {
    mkdirSync(reportDir, { recursive: true });
    const code = await runInNetns(o, reportDir);
    const results = readResults(reportDir);
    if (results === null) return { ok: false, reportDir, summary: `chaos ${o.workload} seed ${o.seed}: ERROR (inner run exited ${code} without results) report: ${reportDir}`, results };
    return { ok: results.ok && code === 0, reportDir, summary: summaryLine(results, reportDir), results };
  }
  const backend = await ProxyBackend.create(o.nodes);
  return runWithBackend(o, backend, detection, reportDir);
}

async function runWithBackend(o: RunOptions, backend: Backend, detection: Detection, reportDir: string): Promise<RunOutcome> {
  mkdirSync(reportDir, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'pikiraft-chaos-'));
  const cluster = new ChaosCluster(backend, {
    dataDir,
    logDir: join(reportDir, 'logs'),
    serverArgs: o.serverArgs,
    requestTimeoutMs: Math.max(100, Math.floor(o.opTimeoutMs / 2)),
  });
  const undo = [
    onCleanup({ name: 'data directory', run: async () => rmSync(dataDir, { recursive: true, force: true }) }),
    onCleanup({ name: `${backend.name} backend`, run: () => backend.close() }),
    onCleanup({ name: 'server processes', run: () => cluster.stopAll(), sync: () => cluster.killAllNow() }),
  ];
  // Reset when the workload starts, so history times (and the plots) start at the first op.
  let t0 = process.hrtime.bigint();
  const nowNs = (): number => Number(process.hrtime.bigint() - t0);
  const startedAt = new Date().toISOString();
  const history = new History();
  let live: ProgressDisplay | null = null;
  try {
    const say = (m: string): void => (o.progress ? phase(m) : undefined);
    say(`chaos: ${o.workload} on ${o.nodes} nodes (${backend.name} backend), nemeses ${o.nemeses.join(',') || 'none'}, seed ${o.seed}, ${o.timeSec}s`);
    say(`backends: netns ${availability(detection.netns)}; proxy ${availability(detection.proxy)}; containers ${availability(detection.docker)}`);
    await cluster.startAll();
    say('cluster started; waiting for a leader');
    const deadline = Date.now() + LEADER_TIMEOUT_MS;
    while ((await cluster.leader()) === null) {
      if (Date.now() > deadline) throw new Error(`no leader within ${LEADER_TIMEOUT_MS} ms of starting the cluster (see ${join(reportDir, 'logs')})`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const workload = makeWorkload(o.workload);
    const schedule = generateSchedule({ seed: o.seed, nodeIds: backend.nodes.map((n) => n.id), timeMs: o.timeSec * 1000, variants: o.nemeses, intervalMs: o.nemesisIntervalSec * 1000 });
    const nemesis = new NemesisExecutor(cluster, history, schedule, nowNs);
    const workers = Array.from(
      { length: o.concurrency },
      (_, slot) =>
        new ClientWorker({ slot, concurrency: o.concurrency, nodes: backend.nodes, workload, history, seed: o.seed, intervalMs: (o.concurrency * 1000) / o.rate, opTimeoutMs: o.opTimeoutMs, nowNs }),
    );
    t0 = process.hrtime.bigint();
    const runStart = nowNs();
    const counts = { ok: 0, fail: 0, info: 0 };
    let counted = 0;
    const render = (): string => {
      for (; counted < history.events.length; counted++) {
        const e = history.events[counted]!;
        if (e.kind === 'op' && e.type !== 'invoke') counts[e.type]++;
      }
      const elapsed = Math.min(o.timeSec, Math.floor((nowNs() - runStart) / 1e9));
      const active = nemesis.active();
      return `[${elapsed}/${o.timeSec}s] ok ${counts.ok} fail ${counts.fail} info ${counts.info} | ${active.length > 0 ? active.join(' + ') : 'no fault'}`;
    };
    live = new ProgressDisplay(render);
    if (o.progress) live.start();
    nemesis.begin();
    const running = workers.map((w) => w.run());
    await new Promise((r) => setTimeout(r, o.timeSec * 1000));
    for (const w of workers) w.stop();
    await Promise.all(running);
    live.stop();
    say(`workload done; healing faults and waiting for recovery`);
    const healError = await nemesis.healAll().then(
      () => null,
      (e: unknown) => (e as Error).message,
    );
    const recovery: Recovery = healError !== null ? { ok: false, ms: 0, message: `healing failed: ${healError}` } : await waitForRecovery(cluster, o.recoveryTimeoutSec * 1000);
    const finalReadsOk = recovery.ok && (await finalReads(cluster, workload, history, o.opTimeoutMs, FINAL_READS_TIMEOUT_MS, nowNs));
    const endNs = nowNs();
    say(`checking ${history.events.length} history events`);
    const ops = completedOps(history.events);
    const checks = await workload.check(ops);
    const verdict = overallVerdict(checks, recovery, finalReadsOk);
    const results: RunResults = {
      ...verdict,
      options: o,
      backend: backend.name,
      detection,
      startedAt,
      durationMs: Math.round(endNs / 1e6),
      ops: countByType(ops),
      schedule,
      nemesisErrors: nemesis.errors,
      recovery,
      finalReadsOk,
      checks,
      serverPids: [...cluster.startedPids],
    };
    writeReport(reportDir, history.events, results, endNs);
    say('report written; stopping the cluster');
    return { ok: results.ok, reportDir, summary: summaryLine(results, reportDir), results };
  } finally {
    live?.stop();
    await cluster.stopAll();
    await backend.close();
    rmSync(dataDir, { recursive: true, force: true });
    for (const u of undo) u();
  }
}
