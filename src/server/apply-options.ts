// What the state machine needs from the command table to apply entries: write commands by argv,
// their keys (prefetched per batch), and how a MULTI/EXEC transaction's commands run inside apply.
import type { ScanCursors } from '../commands/context.js';
import { commandKeys, isBlockingPlan, type Command, type WriteCommand } from '../commands/table.js';
import { err, NULL_ARRAY, type Reply } from '../resp/reply.js';
import type { ApplyOptions, TransactionCommandContext } from '../state-machine/state-machine.js';

export function applyOptions(
  resolve: (argv: readonly Buffer[]) => Command | null,
  scanCursors: ScanCursors,
  maxBulkBytes: () => number,
): ApplyOptions {
  const resolveWrite = (argv: readonly Buffer[]): WriteCommand | null => {
    const cmd = resolve(argv);
    return cmd !== null && cmd.kind === 'write' ? cmd : null;
  };
  return {
    resolveWrite,
    keysOf: (cmd, argv) => commandKeys(cmd, argv),
    maxBulkBytes,
    scanCursors,
    runTransactionCommand: (ctx, argv) => runTransactionCommand(resolve, ctx, argv),
  };
}

/**
 * One queued command at EXEC, as Redis runs it: writes and reads against the entry's state (so
 * reads see the transaction's earlier writes), blocking commands without blocking (their
 * non-blocking form, and nil when there is nothing). The connection queued only commands that
 * exist with the right arity and are neither local nor barred from MULTI.
 */
async function runTransactionCommand(resolve: (argv: readonly Buffer[]) => Command | null, ctx: TransactionCommandContext, argv: readonly Buffer[]): Promise<Reply> {
  const cmd = resolve(argv);
  if (cmd === null) return err(`ERR unknown command in a transaction: '${argv[0]?.toString('latin1') ?? ''}'`);
  switch (cmd.kind) {
    case 'write':
      return cmd.run(ctx.write, argv);
    case 'read':
      return cmd.run(ctx.read, argv);
    case 'blocking': {
      const plan = cmd.plan(argv);
      if (!isBlockingPlan(plan)) return plan;
      if (plan.retry === 'read') return (await plan.attempt(ctx.read, null)) ?? NULL_ARRAY;
      const write = resolve(plan.argv);
      if (write === null || write.kind !== 'write') return err(`ERR ${cmd.fullName} has no write to run in a transaction`);
      return plan.reshape(await write.run(ctx.write, plan.argv)) ?? NULL_ARRAY;
    }
    default:
      return err(`ERR ${cmd.fullName} cannot run inside a transaction's log entry`);
  }
}
