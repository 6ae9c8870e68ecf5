// XREAD BLOCK and XREADGROUP BLOCK: replies compared byte for byte with redis-server 7.0 over
// RESP2 and RESP3 (woken by XADD from another client, `$`, timeouts, several keys, COUNT, the
// errors a blocked XREADGROUP gets when its group or stream goes away), then a 3-node cluster
// where clients blocked on a follower are woken by an XADD sent to the leader.
import { afterAll, describe, expect, it } from 'vitest';
import { blockingServers, waitBlocked } from '../helpers/blocked-clients.js';
import { startCluster, type Cluster } from '../helpers/cluster.js';

const { connect, onBoth } = blockingServers();

describe('stream blocking against redis-server 7.0', () => {
  for (const proto of [2, 3] as const) {
    it(`RESP${proto}: XREAD BLOCK woken by XADD, $, timeouts, COUNT, several keys`, async () => {
      const [ours, theirs] = await onBoth(proto, async (open, admin) => {
        const reader = await open();
        const writer = await open();
        const out: string[] = [];
        // Data already there: no blocking.
        await writer.call('XADD', 's', '1-1', 'f', 'v');
        out.push((await reader.call('XREAD', 'BLOCK', '0', 'STREAMS', 's', '0')).raw);
        // `$`: only entries added after the client blocked.
        const p1 = reader.call('XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
        await waitBlocked(admin, 1);
        out.push((await writer.call('XADD', 's', '2-1', 'a', '1', 'b', '2')).raw);
        out.push((await p1).raw);
        // Several keys: the first one written wakes the client, with COUNT.
        const p2 = reader.call('XREAD', 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 'none', 's', '0', '$');
        await waitBlocked(admin, 1);
        // A write to another key wakes nobody; the entry added to `none` (waited after 0) serves it.
        await writer.call('SET', 'other', 'x');
        await writer.call('XADD', 'none', '5-1', 'n', '1');
        out.push((await p2).raw);
        // A timeout answers nil.
        out.push((await reader.call('XREAD', 'BLOCK', '20', 'STREAMS', 's', '$')).raw);
        out.push((await reader.call('XREAD', 'BLOCK', '-1', 'STREAMS', 's', '$')).raw);
        out.push((await reader.call('XREAD', 'BLOCK', 'x', 'STREAMS', 's', '$')).raw);
        return out;
      });
      expect(ours).toEqual(theirs);
    });

    it(`RESP${proto}: XREADGROUP BLOCK woken by XADD; released when its group or stream goes`, async () => {
      const [ours, theirs] = await onBoth(proto, async (open, admin) => {
        const consumer = await open();
        const writer = await open();
        const out: string[] = [];
        await writer.call('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
        const p1 = consumer.call('XREADGROUP', 'GROUP', 'g', 'c1', 'COUNT', '5', 'BLOCK', '0', 'STREAMS', 's', '>');
        await waitBlocked(admin, 1);
        out.push((await writer.call('XADD', 's', '1-1', 'f', 'v')).raw);
        out.push((await p1).raw);
        out.push((await writer.call('XPENDING', 's', 'g')).raw);
        // History reads never block.
        out.push((await consumer.call('XREADGROUP', 'GROUP', 'g', 'c1', 'BLOCK', '0', 'STREAMS', 's', '0')).raw);
        out.push((await consumer.call('XREADGROUP', 'GROUP', 'g', 'c1', 'BLOCK', '10', 'STREAMS', 's', '>')).raw);
        const p2 = consumer.call('XREADGROUP', 'GROUP', 'g', 'c2', 'NOACK', 'BLOCK', '0', 'STREAMS', 's', '>');
        await waitBlocked(admin, 1);
        out.push((await writer.call('XGROUP', 'DESTROY', 's', 'g')).raw);
        out.push((await p2).raw);
        await writer.call('XGROUP', 'CREATE', 's', 'g', '$');
        const p3 = consumer.call('XREADGROUP', 'GROUP', 'g', 'c3', 'BLOCK', '0', 'STREAMS', 's', '>');
        await waitBlocked(admin, 1);
        out.push((await writer.call('DEL', 's')).raw);
        out.push((await p3).raw);
        out.push((await consumer.call('XREADGROUP', 'GROUP', 'g', 'c3', 'BLOCK', '0', 'STREAMS', 's', '>')).raw);
        // A stream replaced by another type counts as deleted too.
        await writer.call('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
        const p4 = consumer.call('XREADGROUP', 'GROUP', 'g', 'c4', 'BLOCK', '0', 'STREAMS', 's', '>');
        await waitBlocked(admin, 1);
        out.push((await writer.call('SET', 's', 'x')).raw);
        out.push((await p4).raw);
        return out;
      });
      expect(ours).toEqual(theirs);
    });

    it(`RESP${proto}: every waiter on a stream is tried: other groups and later IDs do not stop the round`, async () => {
      const [ours, theirs] = await onBoth(proto, async (open, admin) => {
        const writer = await open();
        const future = await open();
        const g1 = await open();
        const g2 = await open();
        const latest = await open();
        const out: string[] = [];
        await writer.call('XGROUP', 'CREATE', 's', 'g1', '$', 'MKSTREAM');
        await writer.call('XGROUP', 'CREATE', 's', 'g2', '$');
        // Blocked first, waiting after an ID no entry below reaches.
        const pFuture = future.call('XREAD', 'BLOCK', '0', 'STREAMS', 's', '100-0');
        await waitBlocked(admin, 1);
        const p1 = g1.call('XREADGROUP', 'GROUP', 'g1', 'a', 'BLOCK', '0', 'STREAMS', 's', '>');
        await waitBlocked(admin, 2);
        const p2 = g2.call('XREADGROUP', 'GROUP', 'g2', 'b', 'BLOCK', '0', 'STREAMS', 's', '>');
        await waitBlocked(admin, 3);
        const p3 = latest.call('XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
        await waitBlocked(admin, 4);
        out.push((await writer.call('XADD', 's', '5-0', 'f', 'v')).raw);
        out.push((await p1).raw, (await p2).raw, (await p3).raw);
        await waitBlocked(admin, 1);
        out.push((await writer.call('XADD', 's', '101-0', 'f', 'w')).raw);
        out.push((await pFuture).raw);
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

  it('clients blocked on a follower are woken by an XADD sent to the leader', async () => {
    cluster = await startCluster(3);
    const leader = await cluster.waitForLeader();
    const follower = cluster.nodes.find((n) => n !== leader)!;
    const reader = await connect(follower.port, 2);
    const consumer = await connect(follower.port, 3);
    const admin = await connect(follower.port, 2);
    const writer = await connect(leader.port, 2);
    await writer.call('XGROUP', 'CREATE', 'cs', 'g', '$', 'MKSTREAM');
    const read = reader.call('XREAD', 'BLOCK', '0', 'STREAMS', 'cs', '$');
    const group = consumer.call('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 'cs', '>');
    await waitBlocked(admin, 2);
    expect((await writer.call('XADD', 'cs', '7-1', 'k', 'v')).raw).toBe('$3\r\n7-1\r\n');
    expect((await read).raw).toBe('*1\r\n*2\r\n$2\r\ncs\r\n*1\r\n*2\r\n$3\r\n7-1\r\n*2\r\n$1\r\nk\r\n$1\r\nv\r\n');
    expect((await group).raw).toBe('%1\r\n$2\r\ncs\r\n*1\r\n*2\r\n$3\r\n7-1\r\n*2\r\n$1\r\nk\r\n$1\r\nv\r\n');
    // The group read went through the log: the leader's PEL has the entry.
    expect((await writer.call('XPENDING', 'cs', 'g')).raw).toBe('*4\r\n:1\r\n$3\r\n7-1\r\n$3\r\n7-1\r\n*1\r\n*2\r\n$1\r\nc\r\n$1\r\n1\r\n');
    await waitBlocked(admin, 0);
  }, 60_000);
});
