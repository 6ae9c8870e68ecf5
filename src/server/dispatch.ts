// From argv to a reply: table lookup, arity and auth checks, then the command's path —
// local commands run here, reads after the read barrier on the local state machine, writes
// are validated and proposed (never proposed when invalid: a parse error is a definite failure).
import { E } from '../commands/errors.js';
import { arityOk, isBlockingPlan, type BlockingPlan, type Command, type CommandTable } from '../commands/table.js';
import type { ReadContext, ScanCursors } from '../commands/context.js';
import { err, NONE, NULL_ARRAY, type Reply } from '../resp/reply.js';
import { NotLeaderError, OutcomeUnknownError, ReadNotConfirmedError, ShuttingDownError } from '../raft/errors.js';
import type { Replicator } from '../raft/replicator.js';
import type { StateMachine } from '../state-machine/state-machine.js';
import { BlockedClients } from './blocked-clients.js';
import { decodeTransaction, encodeTransaction, exec, type Transaction } from './transaction.js';
import { BlockingRegistry } from './blocking.js';
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

/** The connection's reads and writes still in flight. */
function earlierCommands(conn: Connection): Promise<unknown>[] {
  return [conn.lastRead, conn.lastWrite].filter((x): x is Promise<unknown> => x !== null);
}

/**
 * Runs `run` once the connection's earlier reads and writes are done (so it sees them), and makes
 * it the connection's last write until it settles (so later commands wait for it in turn).
 */
function afterEarlierCommands(conn: Connection, run: () => Promise<Reply>): Promise<Reply> {
  const prior = earlierCommands(conn);
  const p = prior.length > 0 ? Promise.allSettled(prior).then(run) : run();
  conn.lastWrite = p;
  void p.finally(() => {
    if (conn.lastWrite === p) conn.lastWrite = null;
  });
  return p;
}

/** Commands that run at once inside MULTI instead of being queued (server.c processCommand). */
const RUN_INSIDE_MULTI: ReadonlySet<string> = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);
const QUEUED: Reply = { t: 'simple', s: 'QUEUED' };

/** What a RESP2 client may run while subscribed (QUIT and RESET leave the mode). */
const SUBSCRIBED_MODE_COMMANDS: ReadonlySet<string> = new Set(['subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe', 'ping', 'quit', 'reset']);

const localRng = { next: Math.random, int: (n: number): number => Math.floor(Math.random() * n) };

/** How writes reach the leader; read from config on every call so CONFIG SET applies at once. */
export interface RoutingPolicy {
  followerMode(): 'proxy' | 'redirect';
  requestTimeoutMs(): number;
  /** The wall clock reads judge expiry by (Date.now() plus the test-only debug-clock-offset-ms). */
  wallClockMs(): number;
}

/** Between attempts while no leader is known (an election takes an election timeout or two). */
const LEADER_WAIT_MS = 20;

export class Dispatcher {
  /** Clients blocked in BLPOP and the like; their pops go through routeWrite like any write. */
  readonly blocking = new BlockingRegistry(
    (db, argv) => this.routeWrite(db, argv),
    (db, read) => this.replicator.readBarrier().then(() => read(this.readContext(db)), (e: unknown) => readFailure(e)),
    () => this.sm.readView(this.routing.wallClockMs()),
  );

  /** Every node's clients blocked on this node, and this node's clients blocked on the leader. */
  readonly blockedClients: BlockedClients;

  constructor(
    private readonly table: CommandTable,
    private readonly sm: StateMachine,
    private readonly replicator: Replicator,
    private readonly stats: CommandStats,
    private readonly scanCursors: ScanCursors,
    private readonly routing: RoutingPolicy,
  ) {
    this.blockedClients = new BlockedClients(this.blocking, replicator, routing, (argv) => this.resolve(argv));
  }

  resolve(argv: readonly Buffer[]): Command | Reply {
    return resolveCommand(this.table, argv);
  }

  dispatch(conn: Connection, argv: Buffer[]): Reply | Promise<Reply> {
    const txn = conn.transaction;
    const cmd = this.resolve(argv);
    if (!('kind' in cmd)) {
      this.stats.rejected(argv);
      // Inside MULTI a refused command dooms the transaction (EXEC answers EXECABORT), as in Redis.
      if (txn.queued !== null) txn.aborted = true;
      return cmd;
    }
    if (!conn.authenticated && !cmd.flags.includes('no_auth')) {
      this.stats.rejectedCommand(cmd.fullName);
      if (txn.queued !== null) txn.aborted = true;
      return E.noAuth;
    }
    if (txn.queued !== null && !RUN_INSIDE_MULTI.has(cmd.fullName)) {
      if (cmd.flags.includes('no_multi')) {
        txn.aborted = true;
        return E.notAllowedInMulti;
      }
      txn.queued.push(argv);
      return QUEUED;
    }
    // RESP2 subscribed mode (server.c processCommand): replies and messages share one stream, so
    // only commands whose replies look like messages are allowed. RESP3 has no such limit.
    if (conn.proto === 2 && !SUBSCRIBED_MODE_COMMANDS.has(cmd.fullName) && conn.server.pubsub.subscriptionCount(conn) > 0) {
      const fullName = this.table.byArgv(argv)?.fullName ?? cmd.fullName;
      this.stats.rejectedCommand(fullName);
      return E.onlyPubSubAllowed(fullName);
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
        const plan = cmd.blockingPlan?.(argv) ?? null;
        if (plan !== null) return this.block(conn, plan, argv);
        const db = conn.db;
        const stale = conn.readonlyReads && !this.replicator.isLeader;
        const run = (): Promise<Reply> =>
          (stale ? Promise.resolve() : this.replicator.readBarrier()).then(
            () => cmd.run(this.readContext(db), argv),
            (e: unknown) => readFailure(e),
          );
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
        const plan = cmd.blockingPlan?.(argv) ?? null;
        if (plan !== null) return this.block(conn, plan, argv);
        const db = conn.db;
        const write = (): Promise<Reply> => this.routeWrite(db, argv);
        const p = conn.lastRead ? conn.lastRead.then(write, write) : write();
        conn.lastWrite = p;
        void p.finally(() => {
          if (conn.lastWrite === p) conn.lastWrite = null;
        });
        return p;
      }
      case 'blocking': {
        const plan = cmd.plan(argv);
        if (!isBlockingPlan(plan)) return plan;
        return this.block(conn, plan, argv);
      }
      case 'container':
        throw new Error('invariant violated: container commands are resolved to a subcommand');
    }
  }

  /** Runs a blocking plan for the client: tried at once, then waits for writes to its keys. */
  private block(conn: Connection, plan: BlockingPlan, argv: Buffer[]): Promise<Reply> {
    const db = conn.db;
    // Registered once this client's earlier reads and writes are done, so it sees them.
    const p = afterEarlierCommands(conn, () => (conn.isClosed ? Promise.resolve(NONE) : this.blockedClients.block(conn.id, db, plan, argv)));
    // Like Redis, a blocked client runs none of its later commands until it is served.
    conn.hold(p);
    return p;
  }

  /**
   * Proposes on the leader, or proxies to it / redirects from a follower. Failures that are
   * certain (nothing was proposed) are retried until the request timeout while a leader is being
   * elected; once a command may have been proposed its failure is "outcome unknown".
   */
  private routeWrite(db: number, argv: Buffer[]): Promise<Reply> {
    return this.route(
      async () => (await this.replicator.propose([{ kind: 'command', db, argv }]))[0]!,
      () => this.replicator.forward(db, argv),
    );
  }

  /** EXEC's path: proposed by the leader if no watched key changed, or forwarded to it. */
  private routeTransaction(t: Transaction): Promise<Reply> {
    return this.route(
      () => this.proposeTransaction(t),
      () => this.replicator.forwardTransaction(encodeTransaction(t)),
    );
  }

  private async proposeTransaction(t: Transaction): Promise<Reply> {
    const replies = await this.replicator.proposeUnlessModified([{ kind: 'exec', commands: t.commands }], t.watched);
    return replies === null ? NULL_ARRAY : replies[0]!;
  }

  private async route(onLeader: () => Promise<Reply>, onFollower: () => Promise<Reply>): Promise<Reply> {
    const deadlineMs = Date.now() + this.routing.requestTimeoutMs();
    for (;;) {
      try {
        if (this.replicator.isLeader) return await onLeader();
        const leader = this.replicator.leader();
        if (leader !== null && this.routing.followerMode() === 'redirect') return E.moved(leader.clientAddress);
        if (leader !== null) return await onFollower();
      } catch (e) {
        if (e instanceof OutcomeUnknownError) return E.outcomeUnknown(e.message);
        if (e instanceof ShuttingDownError) return E.nodeShuttingDown;
        if (!(e instanceof NotLeaderError)) throw e;
      }
      if (Date.now() >= deadlineMs) return E.clusterDown;
      await new Promise((r) => setTimeout(r, LEADER_WAIT_MS));
    }
  }

  /** EXEC of a client of this node: runs after the client's earlier reads and writes. */
  exec(conn: Connection): Promise<Reply> {
    return afterEarlierCommands(conn, () => exec(conn, (argv) => this.resolveOrNull(argv), (t) => this.routeTransaction(t)));
  }

  /** A transaction forwarded by a follower: checked and proposed here if this node still leads. */
  async executeForwardedTransaction(argv: Buffer[]): Promise<Reply> {
    let t: Transaction;
    try {
      t = decodeTransaction(argv);
    } catch (e) {
      return err(`ERR undecodable forwarded transaction: ${(e as Error).message}`);
    }
    return this.proposeTransaction(t);
  }

  /**
   * WATCH: the applied index after the client's earlier commands and a read barrier, so the watch
   * sees every write acknowledged before it (its own included).
   */
  async watchIndex(conn: Connection): Promise<number> {
    await Promise.allSettled(earlierCommands(conn));
    await this.replicator.readBarrier();
    return this.sm.appliedIndex;
  }

  private resolveOrNull(argv: readonly Buffer[]): Command | null {
    const cmd = this.resolve(argv);
    return 'kind' in cmd ? cmd : null;
  }

  /** A write forwarded by a follower: this node runs it if it still leads (else NotLeaderError). */
  async executeForwarded(db: number, argv: Buffer[]): Promise<Reply> {
    const cmd = this.resolve(argv);
    if (!('kind' in cmd)) return cmd;
    if (cmd.kind !== 'write') return err(`ERR only write commands are forwarded, got '${cmd.fullName}'`);
    const invalid = cmd.validate(argv);
    if (invalid) return invalid;
    const startNs = process.hrtime.bigint();
    const replies = await this.replicator.propose([{ kind: 'command', db, argv }]);
    this.stats.record(cmd.fullName, startNs, replies[0]!);
    return replies[0]!;
  }

  readContext(db: number): ReadContext {
    return {
      db,
      ks: this.sm.readView(this.routing.wallClockMs(), true),
      counts: (d) => this.sm.countsOf(d),
      scanCursors: this.scanCursors,
      rng: localRng,
    };
  }
}

function readFailure(e: unknown): Reply {
  if (e instanceof ReadNotConfirmedError) return e.leaderKnown ? E.readNotConfirmed : E.clusterDown;
  throw e;
}
