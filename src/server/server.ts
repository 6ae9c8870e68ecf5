// Wires storage, replication, the command table and the TCP listener together, runs the
// background tasks (active expiry, GC) and shuts down cleanly.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server as NetServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { buildCommandTable } from '../commands/index.js';
import type { BlockingApi, ClientFilter, ServerApi, Session } from '../commands/context.js';
import type { CommandTable } from '../commands/table.js';
import { RaftReplicator, type ReadConsistency } from '../raft/raft-replicator.js';
import type { Replicator } from '../raft/replicator.js';
import { NotLeaderError, OutcomeUnknownError, ShuttingDownError } from '../raft/errors.js';
import { findExpired } from '../state-machine/expirer.js';
import { collectGarbage } from '../state-machine/gc.js';
import { StateMachine } from '../state-machine/state-machine.js';
import type { Reply } from '../resp/reply.js';
import { Store } from '../state-machine/store.js';
import type { Config } from './config.js';
import { Connection } from './connection.js';
import { Dispatcher, resolveCommand } from './dispatch.js';
import { renderInfo } from './info.js';
import { ScanCursorTable } from './scan-cursors.js';
import { applyOptions } from './apply-options.js';
import { modificationsOf } from './modifications.js';
import { PubSubRegistry } from './pubsub.js';
import { CommandStats } from './stats.js';
import { pinoLevel } from './logger.js';

const GC_TASKS_PER_CYCLE = 64;

export class Server implements ServerApi {
  readonly startTimeMs = Date.now();
  readonly runId = randomBytes(20).toString('hex');
  readonly stats = new CommandStats();
  readonly pubsub = new PubSubRegistry();
  private readonly connections = new Map<number, Connection>();
  private nextClientId = 1;
  private listeners: NetServer[] = [];
  private timers: NodeJS.Timeout[] = [];
  private backgroundBusy = false;
  private stopping: Promise<void> | null = null;
  private lastSaveMs = Date.now();
  readonly table: CommandTable;
  private dispatcher!: Dispatcher;
  private sm!: StateMachine;
  private store!: Store;
  private replicator!: Replicator;
  /** Resolves when the server has fully stopped. */
  readonly stopped: Promise<void>;
  private markStopped!: () => void;

  constructor(
    readonly config: Config,
    readonly logger: Logger,
  ) {
    this.table = buildCommandTable();
    this.stopped = new Promise((r) => (this.markStopped = r));
    config.onChange = (name, value) => {
      if (name === 'loglevel') this.logger.level = pinoLevel(value);
      if (name === 'hz') this.scheduleBackground();
    };
  }

  private readonly scanCursors = new ScanCursorTable();

  get port(): number {
    const addr = this.listeners[0]?.address();
    return addr && typeof addr === 'object' ? addr.port : this.config.int('port');
  }

  async start(): Promise<void> {
    const dir = this.config.str('dir');
    mkdirSync(dir, { recursive: true });
    this.store = await Store.open(join(dir, 'db'));
    this.sm = await StateMachine.open(
      this.store,
      applyOptions((argv) => this.dispatcherResolve(argv), this.scanCursors, () => this.config.int('proto-max-bulk-len')),
    );
    const nodeId = this.config.int('raft-node-id');
    checkNodeId(dir, nodeId);
    const members = this.config.members();
    const self = members.find((m) => m.id === nodeId)!;
    const raftHost = self.raftAddress.slice(0, self.raftAddress.lastIndexOf(':')).replace(/^\[|\]$/g, '');
    this.replicator = await RaftReplicator.open(this.sm, {
      nodeId,
      members,
      clusterId: this.config.int('raft-cluster-id'),
      raftListenHost: raftHost,
      raftListenPort: Number(self.raftAddress.slice(self.raftAddress.lastIndexOf(':') + 1)),
      dir: join(dir, 'raft'),
      segmentMaxBytes: this.config.int('wal-segment-bytes'),
      compactEntries: () => this.config.int('log-compact-entries'),
      tickMs: this.config.int('raft-tick-ms'),
      electionTicks: this.config.int('raft-election-ticks'),
      heartbeatTicks: this.config.int('raft-heartbeat-ticks'),
      readConsistency: this.config.str('read-consistency') as ReadConsistency,
      requestTimeoutMs: () => this.config.int('raft-request-timeout-ms'),
      wallClockMs: () => this.wallClockMs(),
      modificationsOf: (op) => modificationsOf(op, (argv) => this.dispatcherResolve(argv), (id) => this.sm.dbOfKeyspace(id)),
      logger: this.logger,
      onFatal: (e) => {
        this.logger.fatal({ err: e }, 'the log could not be made durable; stopping so no write is acknowledged wrongly');
        process.exit(1);
      },
    });
    this.dispatcher = new Dispatcher(this.table, this.sm, this.replicator, this.stats, this.scanCursors, {
      followerMode: () => (this.config.str('follower-mode') === 'redirect' ? 'redirect' : 'proxy'),
      requestTimeoutMs: () => this.config.int('raft-request-timeout-ms'),
      wallClockMs: () => this.wallClockMs(),
    });
    const blocked = this.dispatcher.blockedClients;
    this.replicator.setForwardHandler({
      execute: (db, argv) => this.dispatcher.executeForwarded(db, argv),
      block: (from, clientId, db, argv, cancelled) => blocked.blockForwarded(from, clientId, db, argv, cancelled),
      unblock: (from, clientId, argv) => blocked.unblockForwarded(from, clientId, argv),
      transaction: (argv) => this.dispatcher.executeForwardedTransaction(argv),
    });
    this.sm.onKeysWritten = (keys, replacedDbs) => this.dispatcher.blocking.keysWritten(keys, replacedDbs);
    const binds = this.config.str('bind').split(/\s+/).filter(Boolean);
    for (const host of binds) {
      const listener = createServer((socket) => this.accept(socket));
      await new Promise<void>((resolve, reject) => {
        listener.once('error', reject);
        listener.listen(this.config.int('port'), host, () => resolve());
      });
      this.listeners.push(listener);
    }
    this.scheduleBackground();
    this.logger.info(
      { port: this.port, bind: binds, dir, appliedIndex: this.sm.appliedIndex },
      `pikiraft ready to accept connections on port ${this.port}`,
    );
  }

  /** Date.now() skewed by the test-only debug-clock-offset-ms (the chaos suite's clock nemesis). */
  private wallClockMs(): number {
    return Date.now() + this.config.int('debug-clock-offset-ms');
  }

  // Used by apply during log replay, before the dispatcher exists.
  private dispatcherResolve(argv: readonly Buffer[]): import('../commands/table.js').Command | null {
    const r = resolveCommand(this.table, argv);
    return 'kind' in r ? r : null;
  }

  private accept(socket: import('node:net').Socket): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    this.stats.totalConnections++;
    const id = this.nextClientId++;
    const conn = new Connection(
      id,
      socket,
      this,
      this.dispatcher,
      {
        maxBulkBytes: this.config.int('proto-max-bulk-len'),
        maxQueryBufferBytes: this.config.int('client-query-buffer-limit'),
      },
      this.requiresAuth(),
    );
    if (this.connections.size >= this.config.int('maxclients')) {
      this.stats.rejectedConnections++;
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    const keepAliveSec = this.config.int('tcp-keepalive');
    if (keepAliveSec > 0) socket.setKeepAlive(true, keepAliveSec * 1000);
    this.connections.set(id, conn);
    conn.onClose = () => this.connections.delete(id);
  }

  private scheduleBackground(): void {
    for (const t of this.timers) clearInterval(t);
    const periodMs = Math.max(2, Math.floor(1000 / this.config.int('hz')));
    this.timers = [
      setInterval(() => void this.backgroundCycle(), periodMs),
      setInterval(() => this.closeIdleClients(), 1000),
    ];
    for (const t of this.timers) t.unref();
  }

  /** One cycle of active expiry (leader only) and GC; never overlaps itself. */
  private async backgroundCycle(): Promise<void> {
    if (this.backgroundBusy || this.stopping) return;
    this.backgroundBusy = true;
    try {
      // Both skip the RocksDB iterator entirely when idle: an idle node should cost nothing.
      if (this.replicator.isLeader && this.sm.totalExpires() > 0) {
        const ops = await findExpired(this.store, this.wallClockMs(), this.config.int('active-expire-keys-per-cycle'));
        if (ops.length > 0) await this.replicator.propose(ops);
      }
      if (this.sm.gcMayBePending) {
        // Cleared before looking, so a task queued while we collect sets it again.
        this.sm.gcMayBePending = false;
        const done = await collectGarbage(this.store, GC_TASKS_PER_CYCLE);
        this.sm.gcTasksDone += done;
        if (done === GC_TASKS_PER_CYCLE) this.sm.gcMayBePending = true;
      }
    } catch (e) {
      // Losing leadership mid-cycle is expected: the new leader's expirer takes over.
      if (e instanceof NotLeaderError || e instanceof OutcomeUnknownError || e instanceof ShuttingDownError) this.logger.debug({ err: e }, 'expiry proposal not applied');
      else this.logger.error({ err: e }, 'background cycle failed');
    } finally {
      this.backgroundBusy = false;
    }
  }

  private closeIdleClients(): void {
    const timeoutSec = this.config.int('timeout');
    if (timeoutSec === 0) return;
    const now = Date.now();
    for (const c of this.connections.values()) {
      // Blocked clients are not idle (Redis's clientsCronHandleTimeout skips them too).
      if (now - c.lastInteractionMs > timeoutSec * 1000 && !c.isBlocked) c.kill();
    }
  }

  // ---- ServerApi -------------------------------------------------------------------------

  get blocking(): BlockingApi {
    return this.dispatcher.blockedClients;
  }

  info(sections: readonly string[]): string {
    return renderInfo(sections, {
      server: this,
      config: this.config,
      stats: this.stats,
      connections: [...this.connections.values()],
      sm: this.sm,
      store: this.store,
      replicator: this.replicator,
      port: this.port,
    });
  }

  clients(): readonly Session[] {
    return [...this.connections.values()];
  }

  killClients(filter: ClientFilter, self: Session): number {
    let killed = 0;
    for (const c of this.connections.values()) {
      if (filter.skipMe && c === self) continue;
      if (filter.id !== undefined && c.id !== filter.id) continue;
      if (filter.addr !== undefined && c.remoteAddress !== filter.addr) continue;
      if (filter.laddr !== undefined && c.localAddress !== filter.laddr) continue;
      if (filter.user !== undefined && filter.user !== 'default') continue;
      if (filter.type !== undefined && filter.type !== (this.pubsub.subscriptionCount(c) > 0 ? 'pubsub' : 'normal')) continue;
      if (c === self) c.closeAfterReply();
      else c.kill();
      killed++;
    }
    return killed;
  }

  shutdown(): void {
    void this.stop('SHUTDOWN');
  }

  lastSaveUnixSec(): number {
    return Math.floor(this.lastSaveMs / 1000);
  }

  resetStats(): void {
    this.stats.reset();
    this.sm.resetStats();
  }

  commandTable(): CommandTable {
    return this.table;
  }

  watchIndex(session: Session): Promise<number> {
    return this.dispatcher.watchIndex(this.connectionOf(session));
  }

  exec(session: Session): Promise<Reply> {
    return this.dispatcher.exec(this.connectionOf(session));
  }

  private connectionOf(session: Session): Connection {
    const conn = this.connections.get(session.id);
    if (conn === undefined || conn !== session) throw new Error(`invariant violated: client ${session.id} is not a connection of this server`);
    return conn;
  }

  requiresAuth(): boolean {
    return this.config.str('requirepass') !== '';
  }

  checkPassword(user: string, password: string): boolean {
    return user === 'default' && password === this.config.str('requirepass');
  }

  protocolError(session: Session, message: string): void {
    this.logger.info({ client: session.remoteAddress, id: session.id }, `client protocol error: ${message}`);
  }

  /** Stop accepting, let in-flight writes finish, flush RocksDB, close. Idempotent. */
  stop(reason: string): Promise<void> {
    if (!this.stopping) this.stopping = this.doStop(reason);
    return this.stopping;
  }

  private async doStop(reason: string): Promise<void> {
    this.logger.info({ reason }, 'shutting down');
    for (const t of this.timers) clearInterval(t);
    for (const l of this.listeners) l.close();
    while (this.backgroundBusy) await new Promise((r) => setTimeout(r, 5));
    await this.replicator?.close();
    // Give queued replies a moment to leave, then close every client.
    await new Promise((r) => setTimeout(r, 20));
    for (const c of this.connections.values()) {
      // A blocked client has no reply coming: release it so its connection can close.
      this.dispatcher?.blockedClients.disconnect(c.id);
      c.closeAfterReply();
    }
    await this.store?.flush();
    this.lastSaveMs = Date.now();
    await this.store?.close();
    this.logger.info('bye');
    this.markStopped();
  }
}

/** The node id is part of the data: starting a data dir under another id would corrupt the cluster. */
function checkNodeId(dir: string, nodeId: number): void {
  const file = join(dir, 'node-id');
  if (!existsSync(file)) {
    writeFileSync(file, `${nodeId}\n`);
    return;
  }
  const recorded = Number(readFileSync(file, 'utf8').trim());
  if (recorded !== nodeId) {
    throw new Error(`the data directory ${dir} belongs to raft node ${recorded}, but raft-node-id is ${nodeId}`);
  }
}
