// Node-local pub/sub: which client listens to which channel and pattern. Nothing here goes through
// the Raft log: a message reaches the subscribers of the node that received PUBLISH, as in
// redis-server (cluster-wide delivery would need the log or a gossip bus; neither is used).
// A client's subscriptions are indexed both ways, so a disconnect removes every trace of it.
import type { PubSubApi, Subscriber } from '../commands/context.js';
import { bulk, type Reply } from '../resp/reply.js';
import { globMatch } from '../util/glob.js';

interface Entry {
  readonly name: Buffer;
  readonly subscribers: Set<Subscriber>;
}

interface ClientSubscriptions {
  readonly channels: Map<string, Buffer>;
  readonly patterns: Map<string, Buffer>;
}

/** Buffers as map keys: latin1 maps every byte to one code unit, so distinct bytes stay distinct. */
const keyOf = (b: Buffer): string => b.toString('latin1');

export class PubSubRegistry implements PubSubApi {
  private readonly channels = new Map<string, Entry>();
  private readonly patterns = new Map<string, Entry>();
  private readonly clients = new Map<Subscriber, ClientSubscriptions>();

  private subsOf(s: Subscriber): ClientSubscriptions {
    let subs = this.clients.get(s);
    if (!subs) {
      subs = { channels: new Map(), patterns: new Map() };
      this.clients.set(s, subs);
    }
    return subs;
  }

  subscribe(s: Subscriber, channel: Buffer): number {
    return add(this.subsOf(s).channels, this.channels, s, channel, this.subscriptionCount.bind(this));
  }

  psubscribe(s: Subscriber, pattern: Buffer): number {
    return add(this.subsOf(s).patterns, this.patterns, s, pattern, this.subscriptionCount.bind(this));
  }

  unsubscribe(s: Subscriber, channel: Buffer): number {
    const subs = this.clients.get(s);
    if (subs) remove(subs.channels, this.channels, s, channel);
    return this.afterRemoval(s);
  }

  punsubscribe(s: Subscriber, pattern: Buffer): number {
    const subs = this.clients.get(s);
    if (subs) remove(subs.patterns, this.patterns, s, pattern);
    return this.afterRemoval(s);
  }

  channelsOf(s: Subscriber): Buffer[] {
    return [...(this.clients.get(s)?.channels.values() ?? [])];
  }

  patternsOf(s: Subscriber): Buffer[] {
    return [...(this.clients.get(s)?.patterns.values() ?? [])];
  }

  channelCount(s: Subscriber): number {
    return this.clients.get(s)?.channels.size ?? 0;
  }

  patternCount(s: Subscriber): number {
    return this.clients.get(s)?.patterns.size ?? 0;
  }

  subscriptionCount(s: Subscriber): number {
    const subs = this.clients.get(s);
    return subs ? subs.channels.size + subs.patterns.size : 0;
  }

  /** Drops every subscription of `s` without telling it (RESET, disconnect). */
  removeAll(s: Subscriber): void {
    const subs = this.clients.get(s);
    if (!subs) return;
    for (const c of [...subs.channels.values()]) remove(subs.channels, this.channels, s, c);
    for (const p of [...subs.patterns.values()]) remove(subs.patterns, this.patterns, s, p);
    this.clients.delete(s);
  }

  /**
   * Delivers to channel subscribers, then to every client of every matching pattern (a client
   * subscribed both ways gets both messages, as in Redis); returns the number of deliveries.
   */
  publish(channel: Buffer, message: Buffer): number {
    let receivers = 0;
    const entry = this.channels.get(keyOf(channel));
    if (entry) {
      const reply: Reply = { t: 'push', items: [bulk('message'), bulk(channel), bulk(message)] };
      for (const s of [...entry.subscribers]) {
        s.sendPush(reply);
        receivers++;
      }
    }
    for (const p of [...this.patterns.values()]) {
      if (!globMatch(p.name, channel)) continue;
      const reply: Reply = { t: 'push', items: [bulk('pmessage'), bulk(p.name), bulk(channel), bulk(message)] };
      for (const s of [...p.subscribers]) {
        s.sendPush(reply);
        receivers++;
      }
    }
    return receivers;
  }

  /** PUBSUB CHANNELS: channels with at least one subscriber, matching `pattern` when given. */
  activeChannels(pattern: Buffer | null): Buffer[] {
    const out: Buffer[] = [];
    for (const c of this.channels.values()) if (pattern === null || globMatch(pattern, c.name)) out.push(c.name);
    return out;
  }

  numsub(channel: Buffer): number {
    return this.channels.get(keyOf(channel))?.subscribers.size ?? 0;
  }

  numChannels(): number {
    return this.channels.size;
  }

  /** PUBSUB NUMPAT: distinct patterns with at least one subscriber. */
  numpat(): number {
    return this.patterns.size;
  }

  private afterRemoval(s: Subscriber): number {
    const n = this.subscriptionCount(s);
    if (n === 0) this.clients.delete(s);
    return n;
  }
}

function add(own: Map<string, Buffer>, index: Map<string, Entry>, s: Subscriber, name: Buffer, count: (s: Subscriber) => number): number {
  const key = keyOf(name);
  if (!own.has(key)) {
    const copy = Buffer.from(name);
    own.set(key, copy);
    let entry = index.get(key);
    if (!entry) {
      entry = { name: copy, subscribers: new Set() };
      index.set(key, entry);
    }
    entry.subscribers.add(s);
  }
  return count(s);
}

function remove(own: Map<string, Buffer>, index: Map<string, Entry>, s: Subscriber, name: Buffer): void {
  const key = keyOf(name);
  if (!own.delete(key)) return;
  const entry = index.get(key);
  if (!entry) return;
  entry.subscribers.delete(s);
  if (entry.subscribers.size === 0) index.delete(key);
}
