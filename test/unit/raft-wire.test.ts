// The bytes between nodes: Raft messages, forwarded replies, the raft-peers syntax, and a core
// whose storage was compacted.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testRaftConfig } from '../helpers/raft-config.js';
import { MemoryStorage, RaftNode, type Entry, type Message } from '../../src/raft/core/index.js';
import { decodeMessage, encodeMessage } from '../../src/raft/message-codec.js';
import { parsePeers } from '../../src/raft/peers.js';
import { decodeReplyBinary, encodeReplyBinary } from '../../src/resp/reply-codec.js';
import type { Reply } from '../../src/resp/reply.js';

const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const idx = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const id = fc.integer({ min: 1, max: 1000 });
const entry: fc.Arbitrary<Entry> = fc.record({
  term: idx,
  index: idx,
  type: fc.constantFrom('normal' as const, 'noop' as const, 'confChange' as const),
  timeMs: idx,
  seed: u32,
  data: fc.uint8Array({ maxLength: 64 }),
});
const base = { from: id, to: id, term: idx };
const message: fc.Arbitrary<Message> = fc.oneof(
  fc.record({ ...base, type: fc.constant('app' as const), index: idx, logTerm: idx, entries: fc.array(entry, { maxLength: 4 }), commit: idx }),
  fc.record({ ...base, type: fc.constant('appResp' as const), index: idx, reject: fc.boolean(), rejectHint: idx, logTerm: idx }),
  fc.record({ ...base, type: fc.constantFrom('vote' as const, 'preVote' as const), index: idx, logTerm: idx, transfer: fc.boolean() }),
  fc.record({ ...base, type: fc.constantFrom('voteResp' as const, 'preVoteResp' as const), reject: fc.boolean() }),
  fc.record({ ...base, type: fc.constant('heartbeat' as const), commit: idx, round: idx }),
  fc.record({ ...base, type: fc.constant('heartbeatResp' as const), round: idx }),
  fc.record({ ...base, type: fc.constant('readIndex' as const), ctx: fc.string() }),
  fc.record({ ...base, type: fc.constant('readIndexResp' as const), index: idx, ctx: fc.string() }),
  fc.record({ ...base, type: fc.constant('timeoutNow' as const) }),
  fc.record({ ...base, type: fc.constant('transferLeader' as const), transferee: id }),
);

const latin1 = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 20 });
const reply: fc.Arbitrary<Reply> = fc.letrec<{ r: Reply }>((tie) => ({
  r: fc.oneof(
    { depthSize: 'small' },
    latin1.map((s): Reply => ({ t: 'simple', s })),
    latin1.map((s): Reply => ({ t: 'error', s })),
    fc.integer().map((n): Reply => ({ t: 'int', n })),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).filter((n) => !Number.isSafeInteger(Number(n))).map((n): Reply => ({ t: 'int', n })),
    fc.uint8Array({ maxLength: 32 }).map((b): Reply => ({ t: 'bulk', b: Buffer.from(b) })),
    fc.constantFrom<Reply>({ t: 'null' }, { t: 'nullArray' }, { t: 'none' }),
    fc.double().map((n): Reply => ({ t: 'double', n })),
    fc.double({ noNaN: true }).map((n): Reply => ({ t: 'doubleText', s: String(n) })),
    fc.boolean().map((v): Reply => ({ t: 'bool', v })),
    fc.string().map((s): Reply => ({ t: 'verbatim', s })),
    fc.array(tie('r'), { maxLength: 3 }).map((items): Reply => ({ t: 'array', items })),
    fc.array(tie('r'), { maxLength: 3 }).map((items): Reply => ({ t: 'set', items })),
    fc.array(tie('r'), { maxLength: 3 }).map((items): Reply => ({ t: 'push', items })),
    fc.array(fc.tuple(tie('r'), tie('r')), { maxLength: 3 }).map((entries): Reply => ({ t: 'map', entries })),
    fc.array(fc.tuple(tie('r'), tie('r')), { maxLength: 3 }).map((entries): Reply => ({ t: 'pairs', entries })),
  ),
})).r;

describe('raft message codec', () => {
  it('round-trips every message type', () => {
    fc.assert(
      fc.property(message, (m) => {
        // Entry payloads come back as Buffers (a Uint8Array subclass): compare their bytes.
        const plain = (x: Message): unknown =>
          x.type === 'app' ? { ...x, entries: x.entries.map((e) => ({ ...e, data: [...e.data] })) } : x;
        expect(plain(decodeMessage(encodeMessage(m)))).toEqual(plain(m));
      }),
    );
  });
  it('refuses bytes that are not a message', () => {
    expect(() => decodeMessage(Buffer.from([0x08, 0x63]))).toThrow(/unknown raft message type/);
  });
});

describe('forwarded reply codec', () => {
  it('round-trips every reply shape', () => {
    fc.assert(
      fc.property(reply, (r) => {
        expect(decodeReplyBinary(encodeReplyBinary(r))).toEqual(r);
      }),
    );
  });
  it('refuses truncated or trailing input instead of guessing', () => {
    const bytes = encodeReplyBinary({ t: 'bulk', b: Buffer.from('hello') });
    expect(() => decodeReplyBinary(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated/);
    expect(() => decodeReplyBinary(Buffer.concat([bytes, Buffer.from([0])]))).toThrow(/trailing/);
  });
});

describe('raft-peers', () => {
  it('parses members, deriving the client port from the raft port unless given', () => {
    expect(parsePeers('1@127.0.0.1:19221, 2@10.0.0.2:19300/6379')).toEqual([
      { id: 1, raftAddress: '127.0.0.1:19221', clientAddress: '127.0.0.1:9221' },
      { id: 2, raftAddress: '10.0.0.2:19300', clientAddress: '10.0.0.2:6379' },
    ]);
  });
  it('names what is wrong', () => {
    expect(() => parsePeers('1@host')).toThrow(/expected id@host:raftport/);
    expect(() => parsePeers('0@h:19221')).toThrow(/positive integer/);
    expect(() => parsePeers('1@h:19221,1@g:19222')).toThrow(/appears twice/);
    expect(() => parsePeers('1@h:5000')).toThrow(/client port -5000/);
  });
});

describe('a core over a compacted log', () => {
  /** Storage holding entries [first, last] of term 1 (the ones before were compacted). */
  class CompactedStorage extends MemoryStorage {
    constructor(private readonly first: number, private last: number) {
      super({ term: 1, vote: 1, commit: last });
    }
    override firstIndex(): number {
      return this.first;
    }
    override lastIndex(): number {
      return this.last;
    }
    override term(i: number): number {
      if (i < this.first - 1 || i > this.last) throw new Error(`term(${i}) out of range`);
      return i === 0 ? 0 : (this.appended.get(i) ?? 1);
    }
    private readonly appended = new Map<number, number>();
    override append(entries: readonly Entry[]): void {
      for (const e of entries) {
        this.appended.set(e.index, e.term);
        this.last = Math.max(this.last, e.index);
      }
    }
    override entries(lo: number, hi: number): Entry[] {
      if (lo < this.first) throw new Error(`entries(${lo}) compacted`);
      const out: Entry[] = [];
      for (let i = lo; i < hi; i++) out.push({ term: 1, index: i, type: 'normal', timeMs: 0, seed: 0, data: new Uint8Array(0) });
      return out;
    }
  }

  it('leads without touching compacted entries and marks a follower that needs them', () => {
    const storage = new CompactedStorage(50, 100);
    const node = new RaftNode(testRaftConfig(1, [1, 2], storage, 100, 1));
    node.campaign();
    node.step({ type: 'voteResp', from: 2, to: 1, term: 2, reject: false });
    expect(node.status().role).toBe('leader');
    // The driver persists the leader's no-op (index 101); only then does the leader count itself.
    const rd = node.ready();
    expect(rd.entries.map((e) => e.index)).toEqual([101]);
    storage.append(rd.entries);
    node.advance();
    // Follower 2 has nothing: probing walks back below index 50, which only a snapshot can fill.
    node.step({ type: 'appResp', from: 2, to: 1, term: 2, index: 100, reject: true, rejectHint: 0, logTerm: 0 });
    expect(node.status().progress.get(2)!.needsSnapshot).toBe(true);
    // A follower that has everything up to 100 replicates normally.
    node.step({ type: 'appResp', from: 2, to: 1, term: 2, index: 100, reject: false, rejectHint: 0, logTerm: 0 });
    expect(node.status().progress.get(2)!.needsSnapshot).toBe(false);
    node.step({ type: 'appResp', from: 2, to: 1, term: 2, index: 101, reject: false, rejectHint: 0, logTerm: 0 });
    expect(node.status().commit).toBe(101);
  });
});
