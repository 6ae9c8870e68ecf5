// Cleanup on Ctrl-C: whatever a run has started registers how to undo it here; SIGINT/SIGTERM
// run the undo steps newest first (each bounded), then exit. A synchronous last-resort step
// (kill PIDs) also runs on process exit.

type Step = { readonly name: string; readonly run: () => Promise<unknown>; readonly sync?: () => void };

const steps: Step[] = [];
let installed = false;
let interrupted = false;
const STEP_TIMEOUT_MS = 15_000;

export function onCleanup(step: Step): () => void {
  install();
  steps.push(step);
  return () => {
    const i = steps.indexOf(step);
    if (i >= 0) steps.splice(i, 1);
  };
}

export function wasInterrupted(): boolean {
  return interrupted;
}

function install(): void {
  if (installed) return;
  installed = true;
  const handler = (signal: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`\n${signal}: cleaning up (${steps.length} steps)...\n`);
    void (async () => {
      for (const step of [...steps].reverse()) {
        await Promise.race([step.run().catch((e: unknown) => process.stderr.write(`cleanup ${step.name}: ${(e as Error).message}\n`)), new Promise((r) => setTimeout(r, STEP_TIMEOUT_MS))]);
      }
      process.exit(130);
    })();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  process.on('exit', () => {
    for (const step of steps) step.sync?.();
  });
}
