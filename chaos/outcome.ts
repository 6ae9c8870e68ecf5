// What a client error proves about an op. Definite failures (the server says the command was
// never proposed, or it was refused before anything was sent) are `fail`; anything that leaves
// the op possibly applied — no reply in time, the connection lost after sending, -TIMEOUT outcome
// unknown — is `info`. See DESIGN.md "Followers, errors and outcomes" and src/raft/errors.ts.

export type Outcome = { readonly type: 'fail' | 'info'; readonly error: string };

/** Reply prefixes that prove the command did not and will not run (src/commands/errors.ts). */
const DEFINITE_REPLY_PREFIXES = ['CLUSTERDOWN', 'MOVED', 'WRONGTYPE', 'ERR', 'READONLY', 'NOAUTH', 'OOM', 'LOADING', 'TRYAGAIN'];

/** A workload's own proof that its op did not happen (a compare-and-set whose comparison failed). */
export class DefiniteFailure extends Error {
  override readonly name = 'DefiniteFailure';
}

/** The error a client saw while the op was (possibly) on the wire. */
export function classifyError(e: unknown): Outcome {
  const name = e instanceof Error ? e.name : '';
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof DefiniteFailure) return { type: 'fail', error: message };
  if (name === 'ReplyError') {
    const code = message.split(' ', 1)[0] ?? '';
    // -TIMEOUT: "outcome unknown" for writes; for reads ("did not confirm the read") it is harmless
    // either way, since a read has no effect.
    if (code === 'TIMEOUT') return { type: 'info', error: message };
    if (DEFINITE_REPLY_PREFIXES.includes(code)) return { type: 'fail', error: message };
    return { type: 'info', error: message };
  }
  // ioredis refuses to write on a connection that is not open: nothing was sent.
  if (message.includes('enableOfflineQueue')) return { type: 'fail', error: message };
  return { type: 'info', error: message };
}

/** A connection that could not be opened: the command was never sent. */
export function connectFailure(e: unknown): Outcome {
  return { type: 'fail', error: `not connected: ${e instanceof Error ? e.message : String(e)}` };
}
