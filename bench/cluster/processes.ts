// Every process and temp dir the cluster benchmark creates is registered here, so one exit path
// (normal end, error, SIGINT/SIGTERM/SIGHUP) kills them all by PID and removes the dirs. Nothing is
// killed by name: other engineers run their own pikiraft and etcd processes on this machine.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const children = new Set<ChildProcess>();
const tempDirs: string[] = [];

export function killAll(): void {
  for (const c of children) {
    if (c.pid !== undefined && c.exitCode === null && c.signalCode === null) {
      try {
        process.kill(c.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  children.clear();
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

let installed = false;
/** Installs the exit and signal handlers once; call before starting anything. */
export function installCleanup(): void {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\n${signal}: stopping every process this benchmark started\n`);
      killAll();
      process.exit(130);
    });
  }
  process.on('exit', killAll);
}

/** Registers a child spawned elsewhere, so the one exit path kills it too. */
export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Runs a benchmark's main, then exits 0 (or 1 with the error); every tracked process is killed either way. */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => {
      killAll();
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`benchmark failed: ${(e as Error).stack ?? String(e)}\n`);
      killAll();
      process.exit(1);
    },
  );
}

export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(d);
  return d;
}

/** A tracked child whose output lines are kept (the last few) for error messages and readiness checks. */
export interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves with the first output line matching `re`; rejects if the process exits or the time runs out. */
  waitForLine(re: RegExp, timeoutMs: number): Promise<string>;
  /** The last lines of stdout and stderr, for a failure report. */
  tail(): string;
  stop(): Promise<void>;
}

const TAIL_LINES = 40;

export function startProcess(name: string, command: string, args: readonly string[], options: SpawnOptions = {}): Proc {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  children.add(child);
  child.once('exit', () => children.delete(child));
  const lines: string[] = [];
  const waiters = new Set<{ re: RegExp; resolve: (line: string) => void }>();
  // Output is always read, even when nobody waits for a line, so a chatty server never blocks on a full pipe.
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
      for (const w of waiters) {
        if (w.re.test(line)) {
          waiters.delete(w);
          w.resolve(line);
        }
      }
    });
  }
  const pid = child.pid;
  const proc: Proc = {
    name,
    child,
    pid,
    tail: () => lines.join('\n'),
    waitForLine: (re, timeoutMs) => {
      const seen = lines.find((l) => re.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<string>((resolve, reject) => {
        const w = {
          re,
          resolve: (line: string) => {
            cleanup();
            resolve(line);
          },
        };
        const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
          cleanup();
          reject(new Error(`${name} exited (${signal ?? code}) before printing ${re}:\n${proc.tail()}`));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${name} did not print ${re} within ${timeoutMs} ms:\n${proc.tail()}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(w);
          child.off('exit', onExit);
        };
        waiters.add(w);
        child.once('exit', onExit);
      });
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        return;
      }
      await exited;
    },
  };
  return proc;
}

/** Runs a command to completion (asynchronously, so a signal can still stop everything) and returns its output. */
export async function runToEnd(command: string, args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const status = await new Promise<number | null>((res, rej) => {
    child.once('error', rej);
    child.once('close', (code) => res(code));
  });
  children.delete(child);
  return { status, stdout, stderr };
}

const CLK_TCK = 100; // Linux USER_HZ: /proc/<pid>/stat times are in 1/100 s on every Linux we run on.

/** User + system CPU time of a process in ms (from /proc), or null when it is gone. */
export function cpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may contain spaces and parentheses: split after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / CLK_TCK;
  } catch {
    return null;
  }
}
