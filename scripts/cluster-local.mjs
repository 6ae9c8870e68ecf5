// `npm run cluster:local [-- --nodes 3 --port 9221 --dir ./data/cluster-local]`: a local cluster of
// separate pikiraft-server processes on loopback. Prints each node's client address, forwards
// their logs (prefixed) and stops them all on Ctrl-C. A node that dies (say, you kill -9 the
// leader to watch a failover) is reported and the others keep running.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '3' },
    port: { type: 'string', default: '9221' },
    dir: { type: 'string', default: './data/cluster-local' },
    loglevel: { type: 'string', default: 'notice' },
  },
});
const nodes = Number(values.nodes);
const basePort = Number(values.port);
if (!Number.isInteger(nodes) || nodes < 1 || nodes > 9) throw new Error('--nodes must be 1..9');
if (!Number.isInteger(basePort) || basePort < 1 || basePort + nodes > 55535) throw new Error('--port must leave room for the raft ports (port + 10000)');
const root = resolve(values.dir);
const members = Array.from({ length: nodes }, (_, i) => ({ id: i + 1, port: basePort + i }));
const peers = members.map((m) => `${m.id}@127.0.0.1:${m.port + 10000}`).join(',');

const children = new Map();
let stopping = false;
for (const m of members) {
  const dir = `${root}/node${m.id}`;
  mkdirSync(dir, { recursive: true });
  const args = ['dist/src/bin/pikiraft-server.js', '--port', String(m.port), '--dir', dir, '--raft-node-id', String(m.id), '--raft-peers', peers, '--loglevel', values.loglevel];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.set(m.id, child);
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => process.stdout.write(`[node${m.id}] ${line}\n`));
  }
  child.on('exit', (code, signal) => {
    children.delete(m.id);
    if (!stopping) process.stdout.write(`node${m.id} exited (${signal ?? code}); ${children.size} node(s) still running\n`);
    if (children.size === 0) process.exit(stopping ? 0 : 1);
  });
}

process.stdout.write(`pikiraft local cluster: ${nodes} nodes, data under ${root}\n`);
for (const m of members) process.stdout.write(`node${m.id} 127.0.0.1:${m.port} (pid ${children.get(m.id).pid})\n`);
process.stdout.write('try: redis-cli -p ' + basePort + ' set hello world; Ctrl-C stops the cluster\n');

function stop() {
  if (stopping) return;
  stopping = true;
  if (children.size === 0) process.exit(0);
  for (const child of children.values()) child.kill('SIGTERM');
  // A node that does not stop within 10 s is killed, so Ctrl-C always returns the terminal.
  setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
    process.exit(1);
  }, 10_000).unref();
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
