// From argv to a reply: table lookup, arity and auth checks, then the command's path —
// local commands run here, reads after the read barrier on the local state machine, writes
// are validated and proposed (never proposed when invalid: a parse error is a definite failure).
import { E } from '../commands/errors.js';
import { arityOk, type Command, type CommandTable } from '../commands/table.js';
import type { ReadContext, ScanCursors } from '../commands/context.js';
import { err, type Reply } from '../resp/reply.js';
import type { Replicator } from '../raft/replicator.js';
import type { StateMachine } from '../state-machine/state-machine.js';
import type { Connection } from './connection.js';
import type { CommandStats } from './stats.js';

/** Finds the command (or subcommand) for argv, or the error Redis gives. */
export function resolveCommand(table: CommandTable, argv: readonly Buffer[]): Command | Reply {
  const name = argv[0]!.toString('latin1').toLowerCase();
  const cmd = table.get(name);
  if (!cmd) return E.unknownCommand(argv[0]!, argv.slice(1));
  if (cmd.kind === 'container') {
    if (argv.length < 2) return E.wrongArity(cmd.fullName);
    const sub = cmd.subcommands.get(argv[1]!.toString('latin1').toLowerCase());
    if (!sub) return E.unknownSubcommand(argv[1]!, cmd.name);
    return arityOk(sub.arity, argv.length) ? sub : E.wrongArity(sub.fullName);
  }
  return arityOk(cmd.arity, argv.length) ? cmd : E.wrongArity(cmd.fullName);
}

const localRng = { next: Math.random, int: (n: number): number => Math.floor(Math.random() * n) };

export class Dispatcher {
  constructor(
    private readonly table: CommandTable,
    private readonly sm: StateMachine,
    private readonly replicator: Replicator,
    private readonly stats: CommandStats,
    private readonly scanCursors: ScanCursors,
  ) {}

  resolve(argv: readonly Buffer[]): Command | Reply {
    return resolveCommand(this.table, argv);
  }

  dispatch(conn: Connection, argv: Buffer[]): Reply | Promise<Reply> {
    const cmd = this.resolve(argv);
    if (!('kind' in cmd)) {
      this.stats.rejected(argv);
      return cmd;
    }
    if (!conn.authenticated && !cmd.flags.includes('no_auth')) {
      this.stats.rejectedCommand(cmd.fullName);
      return E.noAuth;
    }
    const startNs = process.hrtime.bigint();
    const result = this.execute(conn, cmd, argv);
    if (result instanceof Promise) {
      return result.then((reply) => {
        this.stats.record(cmd.fullName, startNs, reply);
        return reply;
      });
    }
    this.stats.record(cmd.fullName, startNs, result);
    return result;
  }

  private execute(conn: Connection, cmd: Command, argv: Buffer[]): Reply | Promise<Reply> {
    switch (cmd.kind) {
      case 'local':
        return cmd.run(conn, argv);
      case 'read': {
        const db = conn.db;
        const run = (): Promise<Reply> =>
          this.replicator.readBarrier().then(() => cmd.run(this.readContext(db), argv));
        const p = conn.lastWrite ? conn.lastWrite.then(run, run) : run();
        conn.lastRead = p;
        void p.finally(() => {
          if (conn.lastRead === p) conn.lastRead = null;
        });
        return p;
      }
      case 'write': {
        const invalid = cmd.validate(argv);
        if (invalid) return invalid;
        const op = { kind: 'command' as const, db: conn.db, argv };
        const propose = (): Promise<Reply> => this.replicator.propose([op]).then((replies) => replies[0]!);
        const p = conn.lastRead ? conn.lastRead.then(propose, propose) : propose();
        conn.lastWrite = p;
        void p.finally(() => {
          if (conn.lastWrite === p) conn.lastWrite = null;
        }).catch(() => undefined);
        return p.catch((e: unknown) => err(`TIMEOUT outcome unknown: ${(e as Error).message}`));
      }
      case 'container':
        throw new Error('invariant violated: container commands are resolved to a subcommand');
    }
  }

  readContext(db: number): ReadContext {
    return {
      db,
      ks: this.sm.readView(Date.now()),
      counts: (d) => this.sm.countsOf(d),
      scanCursors: this.scanCursors,
      rng: localRng,
    };
  }
}
