// Child process of transport.test.ts ("close leaves nothing running"). Runs
// node 1; nodes 2 and 3 live in the parent (argv: their addresses), so the
// sockets node 1 opens stay open unless node 1 closes them. It uses every kind
// of handle the transport makes (listener, inbound and outbound Raft streams,
// a stream in reconnect backoff, forward channels, a forward in flight),
// closes, checks its sockets are gone, prints "closed" and must then exit on
// its own: it never calls process.exit on the success path, so a leaked timer
// or ref'd handle keeps it alive and the parent test fails. Not a test file itself.
//
// Protocol on stdout: "listening <host:port>", then "closed".
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { ForwardIndeterminateError, ForwardUnreachableError } from '../../src/raft/transport/index.js';
import { freePort, msg, startNode, waitFor } from './transport-helpers.js';

/** Open sockets of this process (Linux: /proc), or -1 where that is not available. */
function openSockets(): number {
  if (!existsSync('/proc/self/fd')) return -1;
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) n++;
    } catch {
      // closed while listing
    }
  }
  return n;
}

async function main(): Promise<void> {
  const [addr2, addr3] = process.argv.slice(2);
  if (addr2 === undefined || addr3 === undefined) throw new Error('usage: transport-exit-child <addr of 2> <addr of 3>');
  const socketsBefore = openSockets();
  const down = `127.0.0.1:${await freePort()}`; // node 9 never comes up: its stream sits in connect/backoff
  const a = await startNode(
    1,
    new Map([
      [2, addr2],
      [3, addr3],
      [9, down],
    ]),
  );
  process.stdout.write(`listening ${a.address}\n`);
  a.transport.send(2, [msg('1->2')]);
  a.transport.send(3, [msg('1->3')]);
  a.transport.send(9, [msg('1->9')]);
  const reply = await a.transport.forward(2, { db: 0, argv: [Buffer.from('PING')] }, 10_000);
  if (Buffer.from(reply).toString() !== 'ok:PING') throw new Error('bad forward reply');
  const unreachable = await a.transport.forward(9, { db: 0, argv: [Buffer.from('PING')] }, 10_000).catch((e: unknown) => e);
  if (!(unreachable instanceof ForwardUnreachableError)) throw new Error(`expected Unreachable, got ${String(unreachable)}`);
  // Left in flight when node 1 closes; node 3 tells us (by a Raft message) when it has it.
  const hanging = a.transport.forward(3, { db: 0, argv: [Buffer.from('HANG')] }, 60_000).catch((e: unknown) => e);
  await waitFor(() => a.received.some((r) => r.from === 2) && a.received.some((r) => r.message === 'hang-received'), 'inbound streams and the hanging forward');

  const closing = a.transport.close();
  if (a.transport.close() !== closing) throw new Error('close() is not idempotent');
  await closing;
  await a.transport.close();
  const outcome = await hanging;
  if (!(outcome instanceof ForwardIndeterminateError)) throw new Error(`expected Indeterminate, got ${String(outcome)}`);
  // Unref'd sockets would not keep the process alive, so count them too.
  await waitFor(() => openSockets() <= socketsBefore, `sockets back to ${socketsBefore}`, 10_000).catch((err: unknown) => {
    throw new Error(`${String(err)}; ${openSockets()} open`);
  });
  process.stdout.write('closed\n');
  // Diagnostics only: unref'd, so it cannot keep the process alive itself.
  setTimeout(() => {
    process.stderr.write(`still running after close: ${JSON.stringify(process.getActiveResourcesInfo())}\n`);
    process.exit(3);
  }, 15_000).unref();
}

main().catch((err: unknown) => {
  process.stderr.write(`child failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(2);
});
