// Clients blocked in BLPOP, BZPOPMIN, BLMOVE, XREAD, XREADGROUP, ... (Redis blocked.c),
// node-local. A blocked client waits on keys; when this node applies a batch that wrote one of
// them, the key's waiters are served first-blocked-first by retrying on that key: a write plan
// re-proposes its non-blocking write (LMPOP, ZMPOP, LMOVE, XREADGROUP) through the ordinary write
// path, so every pop is a replicated write and replicas stay identical; a read plan (XREAD)
// re-runs its read. A follower sees the leader's writes when it applies them, so this works on
// any node.
import type { ReadContext } from '../commands/context.js';
import type { BlockingPlan } from '../commands/table.js';
import { NULL_ARRAY, type Reply } from '../resp/reply.js';
import type { Keyspace, WrittenKey } from '../state-machine/keyspace.js';

/** Runs a write through the dispatcher's write route (leader, proxy to it, retries). */
export type WriteRoute = (db: number, argv: Buffer[]) => Promise<Reply>;
/** Runs a read through the dispatcher's read route (read barrier, then the local state). */
export type ReadRoute = (db: number, read: (ctx: ReadContext) => Promise<Reply | null>) => Promise<Reply | null>;
/** This node's applied state, to decide whether a wake-up is worth a retry. */
export type LocalView = () => Keyspace;

/** How a blocked client ends without data: nil (timeout, CLIENT UNBLOCK TIMEOUT) or an error. */
const TIMED_OUT: Reply = NULL_ARRAY;

type Outcome = 'served' | 'empty' | 'gone';

const keyId = (db: number, key: Buffer): string => `${db}:${key.toString('latin1')}`;

export class Waiter {
  /** Set once the first attempt found nothing: the client is blocked (CLIENT LIST flag b). */
  blocked = false;
  finished = false;
  /** A timeout or CLIENT UNBLOCK that arrived while a write was in flight: applied after it. */
  private pendingEnd: Reply | null = null;
  private inFlight = false;
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  readonly reply: Promise<Reply>;
  private resolve!: (r: Reply) => void;

  constructor(
    readonly clientId: number,
    readonly db: number,
    readonly plan: BlockingPlan,
    private readonly registry: BlockingRegistry,
  ) {
    this.reply = new Promise((r) => (this.resolve = r));
    if (plan.timeoutMs > 0) this.timer = setTimeout(() => this.end(TIMED_OUT), plan.timeoutMs);
  }

  /** The first attempt, over every key. */
  start(): void {
    this.run(async () => {
      const shaped = await this.attempt(null);
      if (shaped !== null) this.finish(shaped);
      else this.blocked = true;
      return shaped !== null ? 'served' : 'empty';
    });
  }

  /** One attempt of the plan: over every key (null) or the written key. */
  private async attempt(key: Buffer | null): Promise<Reply | null> {
    const plan = this.plan;
    if (plan.retry === 'read') return this.registry.read(this.db, (ctx) => plan.attempt(ctx, key));
    return plan.reshape(await this.registry.route(this.db, key === null ? plan.argv : plan.retryArgv(key)));
  }

  /** A retry because `key` was written. Attempts of one waiter never overlap. */
  tryKey(key: Buffer): Promise<Outcome> {
    return this.run(async () => {
      const action = await this.plan.onWake(this.registry.view(), this.db, key);
      if (action === 'wait') return 'empty';
      if (this.finished) return 'gone';
      if (action !== 'retry') {
        this.finish(action.end);
        return 'served';
      }
      const shaped = await this.attempt(key);
      // Redis leaves a client blocked when the key it waits on now holds another type.
      if (shaped === null || (shaped.t === 'error' && shaped.s.startsWith('WRONGTYPE'))) return 'empty';
      this.finish(shaped);
      return 'served';
    });
  }

  private run(attempt: () => Promise<Outcome>): Promise<Outcome> {
    const p = this.chain.then(async (): Promise<Outcome> => {
      if (this.finished) return 'gone';
      this.inFlight = true;
      try {
        const outcome = await attempt();
        if (outcome !== 'served' && this.pendingEnd !== null) {
          this.finish(this.pendingEnd);
          return 'gone';
        }
        return outcome;
      } catch (e) {
        this.finish({ t: 'error', s: `ERR internal error: ${(e as Error).message}` });
        return 'gone';
      } finally {
        this.inFlight = false;
      }
    });
    this.chain = p;
    return p;
  }

  /** Timeout or CLIENT UNBLOCK: ends now, or after the write in flight if it finds nothing. */
  end(reply: Reply): void {
    if (this.finished) return;
    if (this.inFlight) this.pendingEnd = reply;
    else this.finish(reply);
  }

  finish(reply: Reply): void {
    if (this.finished) return;
    this.finished = true;
    this.blocked = false;
    if (this.timer) clearTimeout(this.timer);
    this.registry.remove(this);
    this.resolve(reply);
  }
}

export class BlockingRegistry {
  /** Per (db, key): its waiters, first blocked first. */
  private readonly queues = new Map<string, Waiter[]>();
  private readonly byClient = new Map<number, Waiter>();
  /** Keys being served now, and those written again meanwhile (served once more after). */
  private readonly serving = new Set<string>();
  private readonly dirty = new Set<string>();

  constructor(
    readonly route: WriteRoute,
    readonly read: ReadRoute,
    readonly view: LocalView,
  ) {}

  /**
   * Registers a client on its keys before its first attempt (a write applied during the attempt
   * wakes it again, so none is missed) and starts it. Resolves with the client's reply.
   */
  block(clientId: number, db: number, plan: BlockingPlan): Promise<Reply> {
    const w = new Waiter(clientId, db, plan, this);
    this.byClient.set(clientId, w);
    for (const key of new Set(plan.keys.map((k) => keyId(db, k)))) {
      const q = this.queues.get(key);
      if (q) q.push(w);
      else this.queues.set(key, [w]);
    }
    w.start();
    return w.reply;
  }

  remove(w: Waiter): void {
    if (this.byClient.get(w.clientId) === w) this.byClient.delete(w.clientId);
    for (const k of w.plan.keys) {
      const id = keyId(w.db, k);
      const q = this.queues.get(id);
      if (!q) continue;
      const i = q.indexOf(w);
      if (i !== -1) q.splice(i, 1);
      if (q.length === 0) this.queues.delete(id);
    }
  }

  isBlocked(clientId: number): boolean {
    return this.byClient.get(clientId)?.blocked ?? false;
  }

  blockedCount(): number {
    let n = 0;
    for (const w of this.byClient.values()) if (w.blocked) n++;
    return n;
  }

  /** CLIENT UNBLOCK: whether the client was blocked (and is now released with nil or the error). */
  unblock(clientId: number, reply: Reply | null): boolean {
    const w = this.byClient.get(clientId);
    if (!w || !w.blocked) return false;
    w.end(reply ?? TIMED_OUT);
    return true;
  }

  /** A closing client leaves no trace. */
  disconnect(clientId: number): void {
    this.byClient.get(clientId)?.finish({ t: 'none' });
  }

  /**
   * From the state machine, after a batch is durable: wakes the waiters of every written key, and
   * of every key of a database whose keyspace was replaced (SWAPDB can bring a list in).
   */
  keysWritten(keys: readonly WrittenKey[], replacedDbs: readonly number[]): void {
    if (this.queues.size === 0) return;
    const seen = new Set<string>();
    if (replacedDbs.length > 0) {
      for (const w of [...this.byClient.values()]) {
        if (!replacedDbs.includes(w.db)) continue;
        for (const key of w.plan.keys) {
          const id = keyId(w.db, key);
          if (seen.has(id)) continue;
          seen.add(id);
          void this.serve(id, key);
        }
      }
    }
    for (const { db, key } of keys) {
      const id = keyId(db, key);
      if (seen.has(id) || !this.queues.has(id)) continue;
      seen.add(id);
      void this.serve(id, key);
    }
  }

  /** Serves a key's waiters in order while they find data; one at a time, so the first gets it. */
  private async serve(id: string, key: Buffer): Promise<void> {
    if (this.serving.has(id)) {
      this.dirty.add(id);
      return;
    }
    this.serving.add(id);
    try {
      do {
        this.dirty.delete(id);
        for (const w of [...(this.queues.get(id) ?? [])]) {
          const outcome = await w.tryKey(key);
          if (outcome === 'empty' && w.plan.consumes) break;
        }
      } while (this.dirty.has(id));
    } finally {
      this.serving.delete(id);
    }
  }
}
