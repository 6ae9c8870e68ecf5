// The netns backend's outer half: creates this run's namespaces, runs the real run inside the
// hub namespace (this same CLI, re-executed there with --netns-tag), and removes the namespaces
// — killing by PID anything still inside them — however the inner run ends, Ctrl-C included.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createTopology, destroyTopology } from './backends/netns-topology.js';
import { onCleanup } from './cleanup.js';
import { REPO_ROOT } from './cluster.js';
import { optionsToArgv } from './cli-options.js';
import type { RunOptions } from './options.js';

const CLI_ENTRY = join(REPO_ROOT, 'chaos/cli.ts');
const INNER_STOP_GRACE_MS = 15_000;
let runsInThisProcess = 0;

export async function runInNetns(o: RunOptions, reportDir: string): Promise<number> {
  const tag = `pkr${process.pid}-${++runsInThisProcess}`;
  const undoTopology = onCleanup({ name: `namespaces ${tag}-*`, run: () => destroyTopology(tag) });
  try {
    const names = await createTopology(tag, o.nodes);
    const args = ['netns', 'exec', names.hub, process.execPath, '--import', 'tsx', CLI_ENTRY, ...optionsToArgv(o), '--netns-tag', tag, '--report-dir', reportDir];
    const child = spawn('ip', args, { cwd: REPO_ROOT, stdio: 'inherit' });
    const exited = new Promise<number>((r) => child.once('exit', (code, signal) => r(code ?? (signal !== null ? 128 : 1))));
    const undoChild = onCleanup({
      name: 'inner run',
      run: async () => {
        if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
        // The inner run cleans up its own servers on SIGTERM; it gets a grace period, then SIGKILL.
        process.kill(child.pid, 'SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), INNER_STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      },
      sync: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
    });
    const code = await exited;
    undoChild();
    return code;
  } finally {
    await destroyTopology(tag);
    undoTopology();
  }
}
