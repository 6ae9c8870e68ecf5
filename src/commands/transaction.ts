// MULTI, EXEC, DISCARD, WATCH, UNWATCH. Queuing happens in the dispatcher (every command but
// these, QUIT and RESET is queued while a connection is in MULTI); EXEC hands the queue to the
// server, which runs it as one log entry (server/transaction.ts), so no other write lands between
// its commands on any replica.
import type { Command } from './table.js';
import { localCommand } from './table.js';
import { E } from './errors.js';
import { OK } from '../resp/reply.js';

const FLAGS = ['noscript', 'loading', 'stale', 'fast', 'allow_busy'] as const;
const docs = (summary: string, since: string, complexity: string) => ({ summary, since, group: 'transactions', complexity });

export const transactionCommands: Command[] = [
  localCommand('multi', { arity: 1, flags: [...FLAGS], acl: ['@fast', '@transaction'], docs: docs('Mark the start of a transaction block', '1.2.0', 'O(1)') }, (session) => {
    if (session.transaction.queued !== null) return E.multiNested;
    session.transaction.queued = [];
    session.transaction.aborted = false;
    return OK;
  }),
  localCommand(
    'exec',
    { arity: 1, flags: ['noscript', 'loading', 'stale', 'skip_slowlog'], acl: ['@slow', '@transaction'], docs: docs('Execute all commands issued after MULTI', '1.2.0', 'Depends on commands in the transaction') },
    (session) => (session.transaction.queued === null ? E.execWithoutMulti : session.server.exec(session)),
  ),
  localCommand('discard', { arity: 1, flags: [...FLAGS], acl: ['@fast', '@transaction'], docs: docs('Discard all commands issued after MULTI', '2.0.0', 'O(N), when N is the number of queued commands') }, (session) => {
    if (session.transaction.queued === null) return E.discardWithoutMulti;
    clearTransaction(session.transaction);
    return OK;
  }),
  localCommand(
    'watch',
    { arity: -2, flags: [...FLAGS], keys: { first: 1, last: -1, step: 1 }, acl: ['@fast', '@transaction'], docs: docs('Watch the given keys to determine execution of the MULTI/EXEC block', '2.2.0', 'O(1) for every key.') },
    async (session, argv) => {
      if (session.transaction.queued !== null) return E.watchInsideMulti;
      const index = await session.server.watchIndex(session);
      for (const key of argv.slice(1)) session.transaction.watched.push({ db: session.db, key, index });
      return OK;
    },
  ),
  localCommand('unwatch', { arity: 1, flags: [...FLAGS], acl: ['@fast', '@transaction'], docs: docs('Forget about all watched keys', '2.2.0', 'O(1)') }, (session) => {
    session.transaction.watched = [];
    return OK;
  }),
];

/** Leaves MULTI and forgets watched keys (EXEC, DISCARD, RESET). */
export function clearTransaction(t: { queued: Buffer[][] | null; aborted: boolean; watched: unknown[] }): void {
  t.queued = null;
  t.aborted = false;
  t.watched = [];
}
