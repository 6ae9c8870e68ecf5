// MULTI/EXEC/DISCARD/WATCH/UNWATCH: the same scenarios against pikiraft and redis-server 7.0,
// byte for byte in RESP2 and RESP3 (queuing, errors, EXECABORT, runtime errors inside EXEC,
// reads seeing the transaction's writes, SELECT inside MULTI, WATCH against other clients and
// the client itself), then a 3-node cluster: WATCH on a follower, a change on the leader, and
// concurrent WATCH/MULTI increments that lose no update.
import { afterAll, describe, expect, it } from 'vitest';
import { blockingServers } from '../helpers/blocked-clients.js';
import { startCluster, type Cluster } from '../helpers/cluster.js';
import { RespClient } from '../helpers/resp-client.js';

const { connect, onBoth } = blockingServers();

/** Sends each command in turn and collects the raw replies. */
async function transcript(c: RespClient, commands: string[][]): Promise<string[]> {
  const out: string[] = [];
  for (const cmd of commands) out.push((await c.call(...(cmd as [string, ...string[]]))).raw);
  return out;
}

describe('transactions against redis-server 7.0', () => {
  for (const proto of [2, 3] as const) {
    it(`RESP${proto}: queuing, EXEC replies, errors and EXECABORT`, async () => {
      const [ours, theirs] = await onBoth(proto, async (open) => {
        const c = await open();
        return transcript(c, [
          ['EXEC'],
          ['DISCARD'],
          ['MULTI'],
          ['MULTI'],
          ['SET', 'a', '1'],
          ['INCR', 'a'],
          ['GET', 'a'],
          ['LPUSH', 'a', 'x'], // runtime error inside EXEC: the others still run
          ['HSET', 'h', 'f', 'v'],
          ['HGETALL', 'h'],
          ['DBSIZE'],
          ['PING'],
          ['ECHO', 'hi'],
          ['BLPOP', 'empty', '0'], // no blocking inside MULTI: nil
          ['RPUSH', 'l', 'p'],
          ['BLPOP', 'l', '0'],
          ['EXEC'],
          ['MULTI'],
          ['EXEC'],
          ['MULTI'],
          ['SET', 'b', '1'],
          ['NOSUCHCOMMAND', 'x'],
          ['GET'],
          ['WATCH', 'a'],
          ['EXEC'],
          ['GET', 'b'],
          ['MULTI'],
          ['SET', 'b', '2'],
          ['DISCARD'],
          ['GET', 'b'],
          ['MULTI'],
          ['SELECT', '3'],
          ['SET', 'in3', 'yes'],
          ['EXEC'],
          ['GET', 'in3'],
          ['SELECT', '0'],
          ['GET', 'in3'],
          ['CLIENT', 'LIST', 'ID', '999999'],
          ['CLIENT', 'LIST', 'ID', '0'],
          ['CLIENT', 'LIST', 'ID', 'x'],
          ['CLIENT', 'LIST', 'TYPE', 'master'],
          ['CLIENT', 'LIST', 'TYPE', 'nosuch'],
          ['CLIENT', 'LIST', 'BAD', 'x'],
          ['CLIENT', 'LIST', 'TYPE', 'pubsub'],
        ]);
      });
      expect(ours).toEqual(theirs);
    });

    it(`RESP${proto}: WATCH aborts EXEC after another client's or the client's own change, not otherwise`, async () => {
      const [ours, theirs] = await onBoth(proto, async (open) => {
        const c = await open();
        const other = await open();
        const out: string[] = [];
        const run = async (who: RespClient, ...cmd: string[]): Promise<void> => {
          out.push((await who.call(...(cmd as [string, ...string[]]))).raw);
        };
        await run(c, 'SET', 'k', '1');
        // Untouched: EXEC runs.
        await run(c, 'WATCH', 'k', 'absent');
        await run(c, 'MULTI');
        await run(c, 'INCR', 'k');
        await run(c, 'EXEC');
        // Another client changes a watched key: nil, nothing ran.
        await run(c, 'WATCH', 'k');
        await run(other, 'SET', 'k', '10');
        await run(c, 'MULTI');
        await run(c, 'INCR', 'k');
        await run(c, 'EXEC');
        await run(c, 'GET', 'k');
        // A watched key that did not exist and is created meanwhile.
        await run(c, 'WATCH', 'new');
        await run(other, 'LPUSH', 'new', 'x');
        await run(c, 'MULTI');
        await run(c, 'SET', 'after', '1');
        await run(c, 'EXEC');
        await run(c, 'EXISTS', 'after');
        // Its own change after WATCH aborts too.
        await run(c, 'WATCH', 'k');
        await run(c, 'SET', 'k', '20');
        await run(c, 'MULTI');
        await run(c, 'INCR', 'k');
        await run(c, 'EXEC');
        // UNWATCH forgets; a change to an unwatched key does not abort.
        await run(c, 'WATCH', 'k');
        await run(c, 'UNWATCH');
        await run(other, 'SET', 'k', '30');
        await run(c, 'WATCH', 'unrelated');
        await run(other, 'SET', 'k', '31');
        await run(c, 'MULTI');
        await run(c, 'INCR', 'k');
        await run(c, 'EXEC');
        // DISCARD forgets watched keys as well.
        await run(c, 'WATCH', 'k');
        await run(c, 'MULTI');
        await run(c, 'DISCARD');
        await run(other, 'SET', 'k', '40');
        await run(c, 'MULTI');
        await run(c, 'GET', 'k');
        await run(c, 'EXEC');
        // FLUSHDB touches every key of the database.
        await run(c, 'WATCH', 'k');
        await run(other, 'FLUSHDB');
        await run(c, 'MULTI');
        await run(c, 'SET', 'k', '50');
        await run(c, 'EXEC');
        await run(c, 'EXISTS', 'k');
        return out;
      });
      expect(ours).toEqual(theirs);
    });
  }
});

describe('3-node cluster', () => {
  let cluster: Cluster | null = null;
  afterAll(async () => {
    await cluster?.cleanup();
  });

  it('WATCH on a follower sees a change made through the leader; concurrent check-and-set increments lose nothing', async () => {
    cluster = await startCluster(3);
    const leader = await cluster.waitForLeader();
    const [follower, other] = cluster.nodes.filter((n) => n !== leader);
    const onFollower = await connect(follower!.port, 2);
    const onLeader = await connect(leader.port, 3);

    expect((await onFollower.call('SET', 'cas', '0')).raw).toBe('+OK\r\n');
    expect((await onFollower.call('WATCH', 'cas')).raw).toBe('+OK\r\n');
    await onLeader.call('SET', 'cas', '7');
    await onFollower.call('MULTI');
    await onFollower.call('SET', 'cas', 'lost');
    expect((await onFollower.call('EXEC')).raw).toBe('*-1\r\n');
    expect((await onLeader.call('GET', 'cas')).raw).toBe('$1\r\n7\r\n');

    // Unchanged: the follower's transaction runs on the leader, its reads see its own writes.
    await onFollower.call('WATCH', 'cas');
    await onFollower.call('MULTI');
    await onFollower.call('INCR', 'cas');
    await onFollower.call('GET', 'cas');
    expect((await onFollower.call('EXEC')).raw).toBe('*2\r\n:8\r\n$1\r\n8\r\n');

    // Optimistic increments from clients on every node: each retried until its EXEC commits.
    const CLIENTS = 6;
    const INCREMENTS = 5;
    const clients = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => connect(cluster!.nodes[i % 3]!.port, 2)));
    let aborted = 0;
    await Promise.all(
      clients.map(async (c) => {
        for (let done = 0; done < INCREMENTS; ) {
          await c.call('WATCH', 'counter');
          const v = (await c.call('GET', 'counter')).value;
          const n = v.t === 'bulk' ? Number(v.s) : 0;
          await c.call('MULTI');
          await c.call('SET', 'counter', String(n + 1));
          const r = (await c.call('EXEC')).value;
          if (r.t === 'array') done++;
          else if (r.t === 'null') aborted++;
          else throw new Error(`EXEC answered ${JSON.stringify(r)}`);
        }
      }),
    );
    expect((await onLeader.call('GET', 'counter')).raw).toBe(`$2\r\n${CLIENTS * INCREMENTS}\r\n`);
    expect((await (await connect(other!.port, 2)).call('GET', 'counter')).raw).toBe(`$2\r\n${CLIENTS * INCREMENTS}\r\n`);
    // Contention is what makes the check meaningful: some attempts must have been refused.
    expect(aborted).toBeGreaterThan(0);
  }, 120_000);
});
