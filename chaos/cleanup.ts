// Cleanup on Ctrl-C: whatever a run has started registers how to undo it here; SIGINT/SIGTERM
// run the undo steps newest first (each bounded), then exit 130. The signal handlers exist only
// while there is something to undo, so an idle process keeps the default signal behaviour. A
// synchronous last-resort step (SIGKILL by PID) also runs on process exit.

type Step = { readonly name: string; readonly run: () => Promise<unknown>; readonly sync?: () => void };

const steps: Step[] = [];
let interrupted = false;
const STEP_TIMEOUT_MS = 15_000;

function onSignal(signal: NodeJS.Signals): void {
  if (interrupted) return;
  interrupted = true;
  process.stderr.write(`\n${signal}: cleaning up (${steps.map((s) => s.name).join(', ')})...\n`);
  void runAll().then(() => process.exit(130));
}

function onExit(): void {
  for (const step of steps) step.sync?.();
}

function listen(on: boolean): void {
  const f = on ? process.on.bind(process) : process.off.bind(process);
  f('SIGINT', onSignal);
  f('SIGTERM', onSignal);
  f('exit', onExit);
}

export function onCleanup(step: Step): () => void {
  if (steps.length === 0) listen(true);
  steps.push(step);
  return () => remove(step);
}

function remove(step: Step): void {
  const i = steps.indexOf(step);
  if (i < 0) return;
  steps.splice(i, 1);
  if (steps.length === 0 && !interrupted) listen(false);
}

async function runAll(): Promise<void> {
  for (const step of [...steps].reverse()) {
    await Promise.race([
      step.run().catch((e: unknown) => process.stderr.write(`cleanup ${step.name}: ${(e as Error).message}\n`)),
      new Promise((r) => setTimeout(r, STEP_TIMEOUT_MS)),
    ]);
  }
}

/** Runs every registered step now, newest first (test teardown after a timed-out run). */
export async function cleanupAll(): Promise<void> {
  await runAll();
  for (const step of [...steps]) remove(step);
}

/** A signal arrived: callers running many runs (campaigns) stop starting new ones. */
export function wasInterrupted(): boolean {
  return interrupted;
}
