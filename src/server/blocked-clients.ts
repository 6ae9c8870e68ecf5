// Where a blocked client waits. Redis serves clients blocked on a key first-blocked-first-served;
// with clients on several nodes that order only exists if they all wait in one queue. So a
// follower in proxy mode forwards a blocking command whose attempts are writes (pops,
// XREADGROUP) to the leader, whose registry
// (server/blocking.ts) holds every node's clients in blocking order; the follower keeps the call
// open until the leader answers, and cancels it when its client goes away. The leader, a node
// without a known leader, and redirect mode (whose first attempt answers -MOVED) wait locally.
//
// If the leader steps down, its waiters stay in its registry and keep retrying their pops through
// the write path (now forwarded to the new leader), so a blocked client is not dropped; the global
// order then holds again for clients that block from then on.
import type { BlockingApi } from '../commands/context.js';
import { E } from '../commands/errors.js';
import { isBlockingPlan, type BlockingPlan, type Command } from '../commands/table.js';
import { NotLeaderError, OutcomeUnknownError, ShuttingDownError } from '../raft/errors.js';
import type { Replicator } from '../raft/replicator.js';
import { err, int, NONE, NULL_ARRAY, type Reply } from '../resp/reply.js';
import type { BlockingRegistry } from './blocking.js';

/** How writes reach the leader; read on every call so CONFIG SET applies at once. */
export interface BlockRoutingPolicy {
  followerMode(): 'proxy' | 'redirect';
}

/** Between attempts while leadership changes hands. */
const LEADER_WAIT_MS = 20;

export class BlockedClients implements BlockingApi {
  /** This node's clients waiting on the leader: the handle that cancels their call. */
  private readonly remote = new Map<number, AbortController>();
  /** The reply of a remote client released here because the leader could not be told. */
  private readonly releasedLocally = new Map<number, Reply>();
  /**
   * On the leader: registry ids of followers' clients, by `${node}:${clientId}`. Negative, so they
   * never clash with this node's own client ids.
   */
  private readonly forwarded = new Map<string, number>();
  private nextForwardedId = -1;

  constructor(
    readonly local: BlockingRegistry,
    private readonly replicator: Replicator,
    private readonly routing: BlockRoutingPolicy,
    private readonly resolve: (argv: readonly Buffer[]) => Command | Reply,
  ) {}

  /** Runs client `clientId`'s blocking command (`argv`, already planned) until it is answered. */
  async block(clientId: number, db: number, plan: BlockingPlan, argv: Buffer[]): Promise<Reply> {
    for (;;) {
      // Readers (XREAD BLOCK) take nothing from each other, so they need no common queue: they
      // wait here and re-read this node's state, with `$` resolved the moment they block.
      const leader = this.replicator.isLeader || plan.retry === 'read' ? null : this.replicator.leader();
      if (leader === null || this.routing.followerMode() !== 'proxy') return this.local.block(clientId, db, plan);
      const cancel = new AbortController();
      this.remote.set(clientId, cancel);
      try {
        return await this.replicator.forwardBlocking(db, argv, clientId, cancel.signal);
      } catch (e) {
        if (cancel.signal.aborted) return this.releasedLocally.get(clientId) ?? NONE; // else the client left: nobody to answer
        if (e instanceof OutcomeUnknownError) return E.outcomeUnknown(e.message);
        if (e instanceof ShuttingDownError) return E.nodeShuttingDown;
        if (!(e instanceof NotLeaderError)) throw e;
        // Definitely not run: leadership moved. Block wherever it is now.
      } finally {
        if (this.remote.get(clientId) === cancel) this.remote.delete(clientId);
        this.releasedLocally.delete(clientId);
      }
      await new Promise((r) => setTimeout(r, LEADER_WAIT_MS));
    }
  }

  /** On the leader: a follower's client blocks here, in the same queue as this node's clients. */
  async blockForwarded(node: number, clientId: number, db: number, argv: Buffer[], cancelled: AbortSignal): Promise<Reply> {
    const cmd = this.resolve(argv);
    if (!('kind' in cmd)) return cmd;
    const plan = blockingPlanOf(cmd, argv);
    if (plan === null) return err(`ERR only blocking commands block on the leader, got '${cmd.fullName}'`);
    if (!isBlockingPlan(plan)) return plan;
    const key = `${node}:${clientId}`;
    const id = this.nextForwardedId--;
    this.forwarded.set(key, id);
    const onCancel = (): void => this.local.disconnect(id);
    cancelled.addEventListener('abort', onCancel, { once: true });
    try {
      return cancelled.aborted ? NONE : await this.local.block(id, db, plan);
    } finally {
      cancelled.removeEventListener('abort', onCancel);
      if (this.forwarded.get(key) === id) this.forwarded.delete(key);
    }
  }

  /** On the leader: CLIENT UNBLOCK, on a follower, of one of its clients blocked here. */
  unblockForwarded(node: number, clientId: number, argv: Buffer[]): Promise<Reply> {
    const id = this.forwarded.get(`${node}:${clientId}`);
    const mode = argv[0]?.toString('latin1').toUpperCase();
    if (mode !== 'TIMEOUT' && mode !== 'ERROR') return Promise.resolve(E.unblockReason);
    return Promise.resolve(int(id !== undefined && this.local.unblock(id, mode === 'ERROR' ? E.unblocked : null) ? 1 : 0));
  }

  isBlocked(clientId: number): boolean {
    return this.remote.has(clientId) || this.local.isBlocked(clientId);
  }

  /** This node's blocked clients (followers' clients waiting here are counted on their node). */
  blockedCount(): number {
    return this.local.blockedCount() - this.followerBlockedCount() + this.remote.size;
  }

  /** On the leader: followers' clients blocked here (INFO clients follower_blocked_clients). */
  followerBlockedCount(): number {
    let n = 0;
    for (const id of this.forwarded.values()) if (this.local.isBlocked(id)) n++;
    return n;
  }

  unblock(clientId: number, reply: Reply | null): boolean {
    if (!this.remote.has(clientId)) return this.local.unblock(clientId, reply);
    // The leader releases it, and the answer comes back on the blocked call itself. If the leader
    // cannot be told, the call is cancelled and the client released here with the same answer.
    const mode = reply === null ? 'TIMEOUT' : 'ERROR';
    const releaseHere = (): void => {
      const cancel = this.remote.get(clientId);
      if (cancel === undefined) return;
      this.releasedLocally.set(clientId, reply ?? NULL_ARRAY);
      cancel.abort();
    };
    this.replicator.forwardUnblock(clientId, [Buffer.from(mode)]).then((r) => {
      if (r.t !== 'int') releaseHere();
    }, releaseHere);
    return true;
  }

  disconnect(clientId: number): void {
    this.remote.get(clientId)?.abort();
    this.local.disconnect(clientId);
  }
}

/** The blocking plan of BLPOP & co., or of XREAD/XREADGROUP with BLOCK; null if `argv` does not block. */
function blockingPlanOf(cmd: Command, argv: readonly Buffer[]): BlockingPlan | Reply | null {
  switch (cmd.kind) {
    case 'blocking':
      return cmd.plan(argv);
    case 'write': {
      const invalid = cmd.validate(argv);
      return invalid ?? cmd.blockingPlan?.(argv) ?? null;
    }
    case 'read':
      return cmd.blockingPlan?.(argv) ?? null;
    default:
      return null;
  }
}
