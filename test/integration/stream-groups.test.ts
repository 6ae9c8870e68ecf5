// Consumer-group scenarios with real clients (ioredis) against one pikiraft-server: claiming
// entries that stayed idle, acknowledging, the pending summary, redelivery of a dead consumer's
// entries with XAUTOCLAIM (including the 7.0 list of deleted IDs), and NOACK.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { startServer, type ServerHandle } from '../helpers/server.js';

let server: ServerHandle;
const clients: Redis[] = [];

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await server?.cleanup();
});

function client(): Redis {
  const c = server.client();
  clients.push(c);
  return c;
}

/** Waits (bounded) until XPENDING with IDLE minIdleMs lists `n` entries: they have been idle that long. */
async function waitIdle(c: Redis, key: string, group: string, minIdleMs: number, n: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const pending = (await c.call('XPENDING', key, group, 'IDLE', String(minIdleMs), '-', '+', '100')) as unknown[];
    if (pending.length === n) return;
    if (Date.now() > deadline) throw new Error(`entries of ${key} did not become idle`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

type Entries = [string, string[]][];
type ReadReply = [string, Entries][] | null;

describe('consumer groups with ioredis', () => {
  it('claim after idle, acknowledge, pending summary', async () => {
    const producer = client();
    const alice = client();
    const bob = client();
    await producer.xgroup('CREATE', 'orders', 'workers', '$', 'MKSTREAM');
    const ids = [await producer.xadd('orders', '*', 'item', 'a'), await producer.xadd('orders', '*', 'item', 'b'), await producer.xadd('orders', '*', 'item', 'c')];
    const read = (await alice.xreadgroup('GROUP', 'workers', 'alice', 'COUNT', '10', 'STREAMS', 'orders', '>')) as ReadReply;
    expect(read![0]![1].map(([id]) => id)).toEqual(ids);
    expect(await producer.xpending('orders', 'workers')).toEqual([3, ids[0], ids[2], [['alice', '3']]]);

    // Bob may take over only entries idle for at least 50 ms.
    await waitIdle(bob, 'orders', 'workers', 50, 3);
    const claimed = (await bob.xclaim('orders', 'workers', 'bob', 50, ids[0]!, ids[1]!)) as Entries;
    expect(claimed).toEqual([
      [ids[0], ['item', 'a']],
      [ids[1], ['item', 'b']],
    ]);
    // Just claimed: not idle for an hour, so nothing moves back.
    expect(await alice.xclaim('orders', 'workers', 'alice', 3_600_000, ids[0]!)).toEqual([]);
    const detail = (await producer.xpending('orders', 'workers', '-', '+', 10)) as [string, string, number, number][];
    expect(detail.map(([id, consumer, , deliveries]) => [id, consumer, deliveries])).toEqual([
      [ids[0], 'bob', 2],
      [ids[1], 'bob', 2],
      [ids[2], 'alice', 1],
    ]);
    expect(await producer.xpending('orders', 'workers', '-', '+', 10, 'alice')).toHaveLength(1);

    expect(await bob.xack('orders', 'workers', ids[0]!, ids[1]!, ids[0]!)).toBe(2);
    expect(await alice.xack('orders', 'workers', ids[2]!)).toBe(1);
    expect(await producer.xpending('orders', 'workers')).toEqual([0, null, null, null]);
    const groups = (await producer.xinfo('GROUPS', 'orders')) as unknown[][];
    expect(groups[0]).toEqual(['name', 'workers', 'consumers', 2, 'pending', 0, 'last-delivered-id', ids[2], 'entries-read', 3, 'lag', 0]);
  });

  it('a dead consumer\'s entries are redelivered with XAUTOCLAIM; deleted entries are reported', async () => {
    const producer = client();
    const doomed = client();
    const rescuer = client();
    await producer.xgroup('CREATE', 'jobs', 'g', '0', 'MKSTREAM');
    for (let i = 1; i <= 4; i++) await producer.xadd('jobs', `${i}-0`, 'job', String(i));
    await doomed.xreadgroup('GROUP', 'g', 'doomed', 'COUNT', '3', 'STREAMS', 'jobs', '>');
    doomed.disconnect();
    // One of the dead consumer's entries was deleted from the stream meanwhile.
    expect(await producer.xdel('jobs', '2-0')).toBe(1);
    await waitIdle(rescuer, 'jobs', 'g', 20, 3);
    const first = await rescuer.call('XAUTOCLAIM', 'jobs', 'g', 'rescuer', '20', '0', 'COUNT', '2');
    expect(first).toEqual(['3-0', [['1-0', ['job', '1']]], ['2-0']]);
    const second = await rescuer.call('XAUTOCLAIM', 'jobs', 'g', 'rescuer', '20', '3-0', 'COUNT', '2');
    expect(second).toEqual(['0-0', [['3-0', ['job', '3']]], []]);
    const consumers = (await producer.xinfo('CONSUMERS', 'jobs', 'g')) as unknown[][];
    expect(consumers.map((c) => [c[1], c[3]])).toEqual([
      ['doomed', 0],
      ['rescuer', 2],
    ]);
    // The unread entry still goes to whoever asks for new ones.
    expect(await rescuer.xreadgroup('GROUP', 'g', 'rescuer', 'STREAMS', 'jobs', '>')).toEqual([['jobs', [['4-0', ['job', '4']]]]]);
    // The rescuer's history: its pending entries, redelivered.
    expect(await rescuer.xreadgroup('GROUP', 'g', 'rescuer', 'STREAMS', 'jobs', '0')).toEqual([
      [
        'jobs',
        [
          ['1-0', ['job', '1']],
          ['3-0', ['job', '3']],
          ['4-0', ['job', '4']],
        ],
      ],
    ]);
    expect(await producer.xgroup('DELCONSUMER', 'jobs', 'g', 'rescuer')).toBe(3);
    expect(await producer.xpending('jobs', 'g')).toEqual([0, null, null, null]);
  });

  it('NOACK reads leave nothing pending; the group still moves on', async () => {
    const c = client();
    await c.xadd('events', '1-1', 'e', '1');
    await c.xadd('events', '1-2', 'e', '2');
    await c.xgroup('CREATE', 'events', 'fire-and-forget', '0');
    expect(await c.xreadgroup('GROUP', 'fire-and-forget', 'c', 'NOACK', 'STREAMS', 'events', '>')).toEqual([
      [
        'events',
        [
          ['1-1', ['e', '1']],
          ['1-2', ['e', '2']],
        ],
      ],
    ]);
    expect(await c.xpending('events', 'fire-and-forget')).toEqual([0, null, null, null]);
    expect(await c.xreadgroup('GROUP', 'fire-and-forget', 'c', 'NOACK', 'STREAMS', 'events', '>')).toBeNull();
    expect(await c.type('events')).toBe('stream');
    expect(await c.object('ENCODING', 'events')).toBe('stream');
    expect(await c.scan('0', 'COUNT', '1000', 'TYPE', 'stream')).toEqual(['0', expect.arrayContaining(['events'])]);
    // DEL drops the stream, its groups and PELs at once; a new stream of that name starts empty.
    expect(await c.del('events')).toBe(1);
    await c.xadd('events', '9-9', 'e', 'new');
    expect(await c.xinfo('GROUPS', 'events')).toEqual([]);
    expect(await c.xlen('events')).toBe(1);
  });
});
