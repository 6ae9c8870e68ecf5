// Blocking commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX, BZMPOP) and
// CLIENT UNBLOCK: every reply compared byte for byte with redis-server 7.0 over RESP2 and RESP3
// (immediate data, timeouts, errors, wake-ups, FIFO order, unblocking, pipelining), then
// pikiraft-only checks (disconnects, CLIENT LIST / INFO) and a 3-node cluster where a client
// blocked on a follower is woken by a push on another node.
import { afterAll, describe, expect, it } from 'vitest';
import { blockingServers, waitBlocked } from '../helpers/blocked-clients.js';
import { startCluster, type Cluster } from '../helpers/cluster.js';
import { intOf, textOf, type RespClient, type RespValue } from '../helpers/resp-client.js';

const { pikiraft, connect, onBoth } = blockingServers();

const clientId = async (c: RespClient): Promise<string> => String(intOf((await c.call('CLIENT', 'ID')).value));

const raw = async (p: Promise<{ raw: string }>): Promise<string> => (await p).raw;

describe('blocking commands against redis-server 7.0', () => {
  for (const proto of [2, 3] as const) {
    it(`RESP${proto}: immediate data, timeouts (nil) and argument errors`, async () => {
      const [ours, theirs] = await onBoth(proto, async (open) => {
        const c = await open();
        const out: string[] = [];
        const call = async (...argv: string[]): Promise<void> => {
          out.push(`${argv.join(' ')} -> ${(await c.call(...argv)).raw}`);
        };
        await call('RPUSH', 'l1', 'a', 'b', 'c', 'd', 'e');
        await call('ZADD', 'z1', '1', 'm1', '2.5', 'm2', '3', 'm3', '4', 'm4');
        await call('SET', 's', 'x');
        await call('BLPOP', 'none', 'l1', '0');
        await call('BRPOP', 'l1', 'none', '1');
        await call('BLMPOP', '0', '2', 'none', 'l1', 'LEFT', 'COUNT', '2');
        await call('BLMPOP', '0.5', '1', 'l1', 'right');
        await call('RPUSH', 'l1', 'f', 'g');
        await call('BLMOVE', 'l1', 'l2', 'LEFT', 'RIGHT', '0');
        await call('BRPOPLPUSH', 'l1', 'l2', '0');
        await call('LRANGE', 'l2', '0', '-1');
        await call('BZPOPMIN', 'none', 'z1', '0');
        await call('BZPOPMAX', 'z1', '0');
        await call('BZMPOP', '0', '2', 'none', 'z1', 'MIN', 'COUNT', '5');
        // Nothing there: nil after the timeout.
        await call('BLPOP', 'none', '0.01');
        await call('BRPOP', 'none', 'none2', '0.01');
        await call('BLMPOP', '0.01', '1', 'none', 'LEFT');
        await call('BLMOVE', 'none', 'l2', 'LEFT', 'LEFT', '0.01');
        await call('BRPOPLPUSH', 'none', 'l2', '0.01');
        await call('BZPOPMIN', 'z1', '0.01');
        await call('BZPOPMAX', 'none', '0.001');
        await call('BZMPOP', '0.01', '1', 'z1', 'MAX', 'COUNT', '3');
        // Wrong types: an error at once, even when a later key has data.
        await call('BLPOP', 's', 'l2', '0');
        await call('BZPOPMIN', 's', '0');
        await call('BLMPOP', '0', '2', 's', 'l2', 'LEFT');
        await call('BZMPOP', '0', '1', 's', 'MIN');
        await call('BLMOVE', 's', 'l2', 'LEFT', 'LEFT', '0');
        await call('BLMOVE', 'l2', 's', 'LEFT', 'LEFT', '0');
        await call('BRPOPLPUSH', 'l2', 's', '0');
        // Timeouts and other arguments.
        for (const t of ['x', '', ' 1', '1 ', '-1', '-0.0001', 'nan', 'inf', '-inf', '1e400', '1e30', '0x10', '1e-400', '9223372036854775807']) {
          await call('BLPOP', 'none', t === '-0.0001' || t === '0x10' ? 'l2' : 'none', t);
        }
        await call('BZPOPMIN', 'none', '-1');
        await call('BLMOVE', 'l2', 'l3', 'UP', 'LEFT', 'x');
        await call('BLMOVE', 'l2', 'l3', 'LEFT', 'LEFT', 'x');
        await call('BRPOPLPUSH', 'l2', 'l3', '-1');
        await call('BLMPOP', 'x', '0', 'l2', 'LEFT');
        await call('BLMPOP', 'x', '1', 'l2', 'MIDDLE');
        await call('BLMPOP', 'x', '1', 'l2', 'LEFT');
        await call('BLMPOP', '0', '1', 'l2', 'LEFT', 'COUNT', '0');
        await call('BLMPOP', '0', '3', 'l2', 'LEFT');
        await call('BZMPOP', '-1', '1', 'z1', 'MIN');
        await call('BZMPOP', '0', '1', 'z1', 'LEFT');
        await call('BZMPOP', '0', 'x', 'z1', 'MIN');
        await call('BLPOP', 'l2');
        await call('BLMPOP', '0', '1', 'l2');
        await call('BLMOVE', 'l2', 'l3', 'LEFT', 'LEFT');
        await call('LRANGE', 'l2', '0', '-1');
        return out;
      });
      expect(ours).toEqual(theirs);
    });

    it(`RESP${proto}: woken by a push from another client, first blocked first served`, async () => {
      const [ours, theirs] = await onBoth(proto, async (open, admin) => {
        const [a, b, c, z, m, pusher] = await Promise.all([open(), open(), open(), open(), open(), open()]);
        const pa = raw(a.call('BLPOP', 'k1', 'k2', '0'));
        await waitBlocked(admin, 1);
        const pb = raw(b.call('BRPOP', 'k2', '0'));
        await waitBlocked(admin, 2);
        const pc = raw(c.call('BLMPOP', '0', '1', 'k2', 'LEFT', 'COUNT', '10'));
        await waitBlocked(admin, 3);
        const pz = raw(z.call('BZPOPMAX', 'z', '0'));
        const pm = raw(m.call('BLMOVE', 'src', 'dst', 'RIGHT', 'LEFT', '0'));
        await waitBlocked(admin, 5);
        const pushes = [await raw(pusher.call('RPUSH', 'k2', 'x', 'y', 'w', 'v')), await raw(pusher.call('ZADD', 'z', '1', 'low', '2', 'high'))];
        pushes.push(await raw(pusher.call('LPUSH', 'src', 'e1', 'e2')));
        const replies = await Promise.all([pa, pb, pc, pz, pm]);
        const after = await Promise.all([
          raw(pusher.call('LRANGE', 'k2', '0', '-1')),
          raw(pusher.call('ZRANGE', 'z', '0', '-1')),
          raw(pusher.call('LRANGE', 'src', '0', '-1')),
          raw(pusher.call('LRANGE', 'dst', '0', '-1')),
        ]);
        return [...pushes, ...replies, ...after];
      });
      expect(ours).toEqual(theirs);
    });

    it(`RESP${proto}: CLIENT UNBLOCK with TIMEOUT and ERROR, and its errors`, async () => {
      const [ours, theirs] = await onBoth(proto, async (open, admin) => {
        const [a, b] = await Promise.all([open(), open()]);
        const [ida, idb] = await Promise.all([clientId(a), clientId(b)]);
        const out: string[] = [];
        out.push(await raw(admin.call('CLIENT', 'UNBLOCK', ida)));
        const pa = raw(a.call('BLPOP', 'none', '0'));
        const pb = raw(b.call('BZMPOP', '0', '1', 'none', 'MIN'));
        await waitBlocked(admin, 2);
        out.push(await raw(admin.call('CLIENT', 'UNBLOCK', ida)));
        out.push(await pa);
        out.push(await raw(admin.call('CLIENT', 'UNBLOCK', idb, 'error')));
        out.push(await pb);
        out.push(await raw(admin.call('CLIENT', 'UNBLOCK', idb, 'ERROR')));
        for (const args of [['x'], ['-1'], ['0'], [ida, 'foo'], ['x', 'foo'], [ida, 'TIMEOUT', 'x'], []]) {
          out.push(await raw(admin.call('CLIENT', 'UNBLOCK', ...args)));
        }
        // The unblocked clients work normally again.
        out.push(await raw(a.call('PING')), await raw(b.call('PING')));
        return out;
      });
      expect(ours).toEqual(theirs);
    });

    it(`RESP${proto}: a blocked client holds its pipelined commands, replies stay in order`, async () => {
      const [ours, theirs] = await onBoth(proto, async (open, admin) => {
        const [a, pusher] = await Promise.all([open(), open()]);
        // Sent together: the RPUSH must not run before the BLPOP is served (it would feed it).
        const pipelined = [a.call('BLPOP', 'q', '0'), a.call('RPUSH', 'q', 'mine'), a.call('LRANGE', 'q', '0', '-1')].map(raw);
        await waitBlocked(admin, 1);
        const pushed = await raw(pusher.call('RPUSH', 'q', 'theirs'));
        return [pushed, ...(await Promise.all(pipelined))];
      });
      expect(ours).toEqual(theirs);
    });

    it(`RESP${proto}: SWAPDB bringing a list in wakes the client; SET over the key keeps it blocked`, async () => {
      const [ours, theirs] = await onBoth(proto, async (open, admin) => {
        const a = await open();
        const p = raw(a.call('BRPOP', 'sw', '0'));
        await waitBlocked(admin, 1);
        const out = [await raw(admin.call('SET', 'sw', 'str')), await raw(admin.call('DEL', 'sw'))];
        out.push(await raw(admin.call('SELECT', '1')), await raw(admin.call('RPUSH', 'sw', 'x', 'y')), await raw(admin.call('SWAPDB', '0', '1')));
        out.push(await p, await raw(admin.call('SELECT', '0')), await raw(admin.call('LRANGE', 'sw', '0', '-1')));
        return out;
      });
      expect(ours).toEqual(theirs);
    });
  }
});

describe('blocking commands on pikiraft', () => {
  it('a client that disconnects while blocked leaves no trace', async () => {
    const admin = await connect(pikiraft().port, 2);
    await admin.call('DEL', 'gone');
    const a = await connect(pikiraft().port, 2);
    void a.call('BLPOP', 'gone', '0').catch(() => undefined);
    await waitBlocked(admin, 1);
    a.close();
    await waitBlocked(admin, 0);
    expect((await admin.call('RPUSH', 'gone', 'v')).value).toEqual({ t: 'int', n: 1n });
    expect((await admin.call('LRANGE', 'gone', '0', '-1')).value).toEqual({ t: 'array', items: [{ t: 'bulk', s: 'v' }] });
  });

  it('CLIENT LIST shows flag b and INFO counts blocked clients', async () => {
    const admin = await connect(pikiraft().port, 2);
    await admin.call('DEL', 'flagged');
    const a = await connect(pikiraft().port, 2);
    const id = await clientId(a);
    const p = a.call('BRPOP', 'flagged', '0');
    await waitBlocked(admin, 1);
    const line = textOf((await admin.call('CLIENT', 'LIST')).value)
      .split('\n')
      .find((l) => l.startsWith(`id=${id} `))!;
    expect(line).toContain(' flags=b ');
    expect(line).toContain(' cmd=brpop ');
    await admin.call('LPUSH', 'flagged', 'v');
    expect((await p).value).toEqual({ t: 'array', items: [{ t: 'bulk', s: 'flagged' }, { t: 'bulk', s: 'v' }] });
    await waitBlocked(admin, 0);
    const after = textOf((await admin.call('CLIENT', 'LIST')).value);
    expect(after).toContain(`id=${id} `);
    expect(after.split('\n').find((l) => l.startsWith(`id=${id} `))).toContain(' flags=N ');
  });

  it('a key that becomes another type keeps the client blocked; a later list push serves it', async () => {
    const admin = await connect(pikiraft().port, 2);
    await admin.call('DEL', 'morph');
    const a = await connect(pikiraft().port, 2);
    const p = a.call('BLPOP', 'morph', '0');
    await waitBlocked(admin, 1);
    await admin.call('SET', 'morph', 'str');
    await admin.call('DEL', 'morph');
    await admin.call('RPUSH', 'morph', 'finally');
    const v: RespValue = (await p).value;
    expect(v).toEqual({ t: 'array', items: [{ t: 'bulk', s: 'morph' }, { t: 'bulk', s: 'finally' }] });
  });
});

describe('3-node cluster', () => {
  let cluster: Cluster | null = null;
  afterAll(async () => {
    await cluster?.cleanup();
  });

  it('a client blocked on a follower is woken by a push on another node', async () => {
    cluster = await startCluster(3);
    const leader = await cluster.waitForLeader();
    const [follower, other] = cluster.nodes.filter((n) => n !== leader);
    const blocked = await connect(follower!.port, 2);
    const admin = await connect(follower!.port, 2);
    const pusherOther = await connect(other!.port, 2);
    const pusherLeader = await connect(leader.port, 2);
    const p = blocked.call('BLPOP', 'ck', '0');
    await waitBlocked(admin, 1);
    expect((await pusherOther.call('RPUSH', 'ck', 'from-other', 'second')).value).toEqual({ t: 'int', n: 2n });
    expect((await p).value).toEqual({ t: 'array', items: [{ t: 'bulk', s: 'ck' }, { t: 'bulk', s: 'from-other' }] });
    const z = blocked.call('BZPOPMIN', 'cz', '0');
    await waitBlocked(admin, 1);
    await pusherLeader.call('ZADD', 'cz', '7', 'seven');
    expect((await z).value).toEqual({ t: 'array', items: [{ t: 'bulk', s: 'cz' }, { t: 'bulk', s: 'seven' }, { t: 'bulk', s: '7' }] });
    // Every node agrees on what is left.
    expect((await pusherLeader.call('LRANGE', 'ck', '0', '-1')).value).toEqual({ t: 'array', items: [{ t: 'bulk', s: 'second' }] });
    await waitBlocked(admin, 0);
  }, 60_000);

  it('clients blocked on different nodes are served first-blocked-first-served across the cluster', async () => {
    cluster ??= await startCluster(3);
    const leader = await cluster.waitForLeader();
    const [follower, other] = cluster.nodes.filter((n) => n !== leader);
    const onFollower = await connect(follower!.port, 2);
    const onLeader = await connect(leader.port, 2);
    const leaderAdmin = await connect(leader.port, 2);
    const pusher = await connect(other!.port, 2);
    const popped = (key: string, v: string): RespValue => ({ t: 'array', items: [{ t: 'bulk', s: key }, { t: 'bulk', s: v }] });

    // The follower's client blocks first: it is served first, although the leader's own client
    // could pop without a network hop.
    const first = onFollower.call('BLPOP', 'fair', '0');
    await waitBlocked(leaderAdmin, 1, 'follower_blocked_clients');
    const second = onLeader.call('BLPOP', 'fair', '0');
    await waitBlocked(leaderAdmin, 1);
    await pusher.call('RPUSH', 'fair', 'one');
    expect((await first).value).toEqual(popped('fair', 'one'));
    await pusher.call('RPUSH', 'fair', 'two');
    expect((await second).value).toEqual(popped('fair', 'two'));

    // And the other way round.
    const third = onLeader.call('BRPOP', 'fair', '0');
    await waitBlocked(leaderAdmin, 1);
    const fourth = onFollower.call('BRPOP', 'fair', '0');
    await waitBlocked(leaderAdmin, 1, 'follower_blocked_clients');
    await pusher.call('RPUSH', 'fair', 'three');
    expect((await third).value).toEqual(popped('fair', 'three'));
    await pusher.call('RPUSH', 'fair', 'four');
    expect((await fourth).value).toEqual(popped('fair', 'four'));
    await waitBlocked(leaderAdmin, 0, 'follower_blocked_clients');
  }, 60_000);

  it('a follower client blocked on the leader: CLIENT UNBLOCK, timeouts and disconnects', async () => {
    cluster ??= await startCluster(3);
    const leader = await cluster.waitForLeader();
    const [follower] = cluster.nodes.filter((n) => n !== leader);
    const blocked = await connect(follower!.port, 2);
    const admin = await connect(follower!.port, 2);
    const leaderAdmin = await connect(leader.port, 2);
    const id = await clientId(blocked);

    const p = blocked.call('BLPOP', 'rb', '0');
    await waitBlocked(leaderAdmin, 1, 'follower_blocked_clients');
    expect(textOf((await admin.call('CLIENT', 'LIST')).value).split('\n').find((l) => l.startsWith(`id=${id} `))).toContain(' flags=b ');
    expect((await admin.call('CLIENT', 'UNBLOCK', id, 'ERROR')).value).toEqual({ t: 'int', n: 1n });
    expect((await p).value).toEqual({ t: 'error', s: 'UNBLOCKED client unblocked via CLIENT UNBLOCK' });

    const q = blocked.call('BLMOVE', 'rb', 'dst', 'LEFT', 'RIGHT', '0');
    await waitBlocked(leaderAdmin, 1, 'follower_blocked_clients');
    expect((await admin.call('CLIENT', 'UNBLOCK', id)).value).toEqual({ t: 'int', n: 1n });
    expect((await q).value).toEqual({ t: 'null' });
    expect((await blocked.call('BZPOPMIN', 'rbz', '0.05')).value).toEqual({ t: 'null' });

    // A client that leaves while blocked leaves nothing waiting on the leader: a later push stays.
    const gone = await connect(follower!.port, 2);
    void gone.call('BLPOP', 'rb', '0').catch(() => undefined);
    await waitBlocked(leaderAdmin, 1, 'follower_blocked_clients');
    gone.close();
    await waitBlocked(leaderAdmin, 0, 'follower_blocked_clients');
    await leaderAdmin.call('RPUSH', 'rb', 'kept');
    expect((await admin.call('LRANGE', 'rb', '0', '-1')).value).toEqual({ t: 'array', items: [{ t: 'bulk', s: 'kept' }] });
    await waitBlocked(admin, 0);
  }, 60_000);
});
