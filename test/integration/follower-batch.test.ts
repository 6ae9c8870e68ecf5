// Writes sent to a follower in one burst travel to the leader as one Forward call (kind BATCH)
// and are answered per command: replies in order, errors where they belong, every write applied
// once, in the client's order.
import { afterAll, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../helpers/cluster.js';
import { RespClient } from '../helpers/resp-client.js';

let cluster: Cluster | null = null;
const opened: RespClient[] = [];
afterAll(async () => {
  for (const c of opened) c.close();
  await cluster?.cleanup();
});

it('pipelined writes on a follower: one reply per command, in order, each applied once', async () => {
  cluster = await startCluster(3);
  const leader = await cluster.waitForLeader();
  const follower = cluster.nodes.find((n) => n !== leader)!;
  const c = await RespClient.connect(follower.port);
  const check = await RespClient.connect(leader.port);
  opened.push(c, check);
  await c.call('SET', 'str', 'x');

  const COMMANDS = 200;
  const pending: Promise<{ raw: string }>[] = [];
  for (let i = 0; i < COMMANDS; i++) {
    if (i % 50 === 49) pending.push(c.call('LPUSH', 'str', 'wrong type'));
    else pending.push(c.call('RPUSH', 'order', String(i)));
  }
  const replies = (await Promise.all(pending)).map((r) => r.raw);
  let length = 0;
  replies.forEach((raw, i) => {
    if (i % 50 === 49) expect(raw).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    else expect(raw).toBe(`:${++length}\r\n`);
  });
  const items = (await check.call('LRANGE', 'order', '0', '-1')).value;
  if (items.t !== 'array') throw new Error('LRANGE answered no array');
  const expected = Array.from({ length: COMMANDS }, (_, i) => i).filter((i) => i % 50 !== 49).map(String);
  expect(items.items.map((x) => (x.t === 'bulk' ? x.s : '?'))).toEqual(expected);
}, 60_000);
