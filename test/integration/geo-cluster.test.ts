// Geo writes through a follower of a 3-node cluster: GEOADD and GEORADIUS (a write: it may STORE)
// are proxied to the leader and their replies, RESP3 coordinates included, come back through the
// forwarded-reply codec; every node then reads the same positions and the stored result.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster, type ClusterNode } from '../helpers/cluster.js';
import { RespClient } from '../helpers/resp-client.js';

let cluster: Cluster;
let follower: ClusterNode;

beforeAll(async () => {
  cluster = await startCluster(3);
  const leader = await cluster.waitForLeader();
  follower = cluster.nodes.find((n) => n !== leader)!;
});

afterAll(async () => {
  await cluster?.cleanup();
});

describe('geo in a 3-node cluster', () => {
  it('GEOADD and GEORADIUS ... STORE through a follower; RESP3 coordinates survive forwarding', async () => {
    const c = await RespClient.connect(follower.port);
    await c.call('HELLO', '3');
    expect((await c.call('GEOADD', 'sicily', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania')).raw).toBe(':2\r\n');
    // GEORADIUS is a write command: proposed through the log even without STORE.
    const radius = await c.call('GEORADIUS', 'sicily', '15', '37', '200', 'km', 'WITHCOORD', 'WITHDIST', 'ASC');
    expect(radius.raw).toBe(
      '*2\r\n' +
        '*3\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n*2\r\n,15.08726745843887329\r\n,37.50266842333162032\r\n' +
        '*3\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n',
    );
    expect((await c.call('GEORADIUS', 'sicily', '15', '37', '100', 'km', 'STORE', 'near')).raw).toBe(':1\r\n');
    c.close();
    for (const node of cluster.nodes) {
      const r = await RespClient.connect(node.port);
      expect((await r.call('ZRANGE', 'near', '0', '-1', 'WITHSCORES')).raw).toBe('*2\r\n$7\r\nCatania\r\n$16\r\n3479447370796909\r\n');
      expect((await r.call('GEOPOS', 'sicily', 'Palermo')).raw).toBe('*1\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n');
      r.close();
    }
  });
});
