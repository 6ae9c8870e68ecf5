// The one seam to the shared register checker (chaos/checkers/register-linearizability.ts, owned by
// the chaos engineer). Loaded lazily so the simulator still runs its Raft safety checks while that
// file does not exist yet; `checkerAvailable()` tells callers whether histories were really checked.

export interface RegisterOperation {
  process: number;
  key: string;
  f: 'read' | 'write' | 'cas';
  value: string | null;
  callNs: number;
  returnNs: number | null;
}

export type RegisterCheckResult =
  | { ok: true }
  | { ok: false; key: string; message: string; window: RegisterOperation[] };

type Checker = (ops: RegisterOperation[]) => RegisterCheckResult;

let checker: Checker | null | undefined;

export async function loadRegisterChecker(): Promise<Checker | null> {
  if (checker !== undefined) return checker;
  // A computed specifier keeps tsc from requiring the file at typecheck time.
  const specifier = ['..', '..', 'chaos', 'checkers', 'register-linearizability.js'].join('/');
  try {
    const mod = (await import(specifier)) as { checkRegisterLinearizability?: Checker };
    checker = typeof mod.checkRegisterLinearizability === 'function' ? mod.checkRegisterLinearizability : null;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND' && !String(err).includes('Cannot find module') && !String(err).includes('Failed to load url')) throw err;
    checker = null;
  }
  return checker;
}
