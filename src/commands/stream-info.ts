// XINFO STREAM [FULL [COUNT n]] / GROUPS / CONSUMERS / HELP (Redis 7.0 t_stream.c). Replies are
// maps (RESP3) or flat arrays (RESP2). Idle times are measured against the local clock.
//
// radix-tree-keys is the number of listpack nodes pikiraft models (stream.ts, stream-listpack.ts);
// radix-tree-nodes, the inner node count of Redis's radix tree, has no counterpart in RocksDB
// and is reported as that same number.
import { array, bulk, int, map, NULL, type Reply } from '../resp/reply.js';
import { MAX_ID, MIN_ID } from '../state-machine/types/stream-id.js';
import { ENTRIES_READ_INVALID, openStream, WRONGTYPE, type Group, type StreamView } from '../state-machine/types/stream.js';
import { eqIgnoreCase, parseInt64 } from './args.js';
import { helpReply } from './command.js';
import { E, XE } from './errors.js';
import { entryReply, idReply, streamMeta } from './stream-args.js';
import { containerCommand, localCommand, readCommand, type Command, type ParseResult } from './table.js';

const field = (name: string, value: Reply): readonly [Reply, Reply] => [bulk(name), value];
const K2 = { first: 2, last: 2, step: 1 };

async function firstOrLast(s: StreamView, last: boolean): Promise<Reply> {
  for await (const e of s.entries({ start: MIN_ID, end: MAX_ID, reverse: last, limit: 1 })) return entryReply(e);
  return NULL;
}

const entriesRead = (g: Group): Reply => (g.entriesRead === ENTRIES_READ_INVALID ? NULL : int(g.entriesRead));
const lagReply = (s: StreamView, g: Group): Reply => {
  const lag = s.lag(g);
  return lag === null ? NULL : int(lag);
};

function streamHeader(s: StreamView): (readonly [Reply, Reply])[] {
  const st = s.info;
  const nodes = st.nodes;
  return [
    field('length', int(st.length)),
    field('radix-tree-keys', int(nodes)),
    field('radix-tree-nodes', int(nodes)),
    field('last-generated-id', idReply(st.lastId)),
    field('max-deleted-entry-id', idReply(st.maxDeletedId)),
    field('entries-added', int(st.entriesAdded)),
    field('recorded-first-entry-id', idReply(st.firstId)),
  ];
}

/** XINFO STREAM key FULL: entries, groups with their PELs and consumers, each list capped at `count` (0 = all). */
async function fullInfo(s: StreamView, count: number): Promise<Reply> {
  const limit = count === 0 ? undefined : count;
  const entries: Reply[] = [];
  for await (const e of s.entries({ start: MIN_ID, end: MAX_ID, limit })) entries.push(entryReply(e));
  const groups: Reply[] = [];
  for await (const g of s.groups()) {
    const pel: Reply[] = [];
    for await (const n of s.pel(g.name, { start: MIN_ID, end: MAX_ID, limit })) {
      pel.push(array([idReply(n.id), bulk(n.consumer), int(n.deliveryTimeMs), int(n.deliveryCount)]));
    }
    const consumers: Reply[] = [];
    for await (const c of s.consumers(g.name)) {
      const cpel: Reply[] = [];
      for await (const id of s.consumerPel(g.name, c.name, { start: MIN_ID, end: MAX_ID, limit })) {
        const n = (await s.nack(g.name, id))!;
        cpel.push(array([idReply(id), int(n.deliveryTimeMs), int(n.deliveryCount)]));
      }
      consumers.push(map([field('name', bulk(c.name)), field('seen-time', int(c.seenTimeMs)), field('pel-count', int(c.pelCount)), field('pending', array(cpel))]));
    }
    groups.push(
      map([
        field('name', bulk(g.name)),
        field('last-delivered-id', idReply(g.lastId)),
        field('entries-read', entriesRead(g)),
        field('lag', lagReply(s, g)),
        field('pel-count', int(g.pelCount)),
        field('pending', array(pel)),
        field('consumers', array(consumers)),
      ]),
    );
  }
  return map([...streamHeader(s), field('entries', array(entries)), field('groups', array(groups))]);
}

/** Looks the stream up as xinfoCommand does: "no such key" before anything else. */
async function withStream(ctx: { ks: import('../state-machine/keyspace.js').Keyspace; db: number }, key: Buffer, run: (s: StreamView) => Promise<Reply>): Promise<Reply> {
  const s = await openStream(ctx.ks, ctx.db, key);
  if (s === WRONGTYPE) return E.wrongType;
  if (s === null) return E.noSuchKey;
  return run(s);
}

interface StreamInfoArgs {
  key: Buffer;
  full: boolean;
  count: number;
  optionError: Reply | null;
}

function parseStreamInfo(argv: readonly Buffer[]): ParseResult<StreamInfoArgs> {
  const base = { key: argv[2]!, full: false, count: 10 };
  if (argv.length === 3) return { ...base, optionError: null };
  const syntax = E.subcommandSyntax(argv[1]!, 'xinfo');
  if (!eqIgnoreCase(argv[3]!, 'full')) return { ...base, optionError: syntax };
  if (argv.length === 4) return { ...base, full: true, optionError: null };
  if (argv.length !== 6 || !eqIgnoreCase(argv[4]!, 'count')) return { ...base, optionError: syntax };
  const v = parseInt64(argv[5]!);
  // The count is read after the key is found, so its error comes second.
  if (v === null) return { ...base, optionError: E.notInteger };
  const count = v < 0n ? 10 : v > 1_000_000_000n ? 1_000_000_000 : Number(v);
  return { ...base, full: true, count, optionError: null };
}

const xinfoStream = readCommand(
  'xinfo|stream',
  streamMeta(-3, ['readonly'], K2, 'Get information about a stream', '5.0.0'),
  parseStreamInfo,
  (ctx, a) =>
    withStream(ctx, a.key, async (s) => {
      if (a.optionError !== null) return a.optionError;
      if (a.full) return fullInfo(s, a.count);
      return map([...streamHeader(s), field('groups', int(s.info.groups)), field('first-entry', await firstOrLast(s, false)), field('last-entry', await firstOrLast(s, true))]);
    }),
);

const xinfoGroups = readCommand(
  'xinfo|groups',
  streamMeta(3, ['readonly'], K2, 'List the consumer groups of a stream', '5.0.0'),
  (argv) => ({ key: argv[2]! }),
  (ctx, a) =>
    withStream(ctx, a.key, async (s) => {
      const out: Reply[] = [];
      for await (const g of s.groups()) {
        out.push(
          map([
            field('name', bulk(g.name)),
            field('consumers', int(g.consumers)),
            field('pending', int(g.pelCount)),
            field('last-delivered-id', idReply(g.lastId)),
            field('entries-read', entriesRead(g)),
            field('lag', lagReply(s, g)),
          ]),
        );
      }
      return array(out);
    }),
);

const xinfoConsumers = readCommand(
  'xinfo|consumers',
  streamMeta(4, ['readonly'], K2, 'List the consumers in a consumer group', '5.0.0'),
  (argv) => ({ key: argv[2]!, group: argv[3]! }),
  (ctx, a) =>
    withStream(ctx, a.key, async (s) => {
      if ((await s.group(a.group)) === null) return XE.noGroupForKey(a.group, a.key);
      const nowMs = Date.now();
      const out: Reply[] = [];
      for await (const c of s.consumers(a.group)) {
        out.push(map([field('name', bulk(c.name)), field('pending', int(c.pelCount)), field('idle', int(Math.max(0, nowMs - c.seenTimeMs)))]));
      }
      return array(out);
    }),
);

const XINFO_HELP = [
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
];

export const streamInfoCommand: Command = containerCommand(
  'xinfo',
  { arity: -2, flags: [], acl: ['@slow'], docs: { summary: 'A container for stream introspection commands', since: '5.0.0', group: 'stream', complexity: 'Depends on subcommand.' } },
  [
    xinfoConsumers,
    xinfoGroups,
    xinfoStream,
    localCommand('xinfo|help', { arity: 2, flags: ['loading', 'stale'], acl: ['@stream', '@slow'], docs: { summary: 'Show helpful text about the different subcommands', since: '5.0.0', group: 'stream', complexity: 'O(1)' } }, () =>
      helpReply('xinfo', XINFO_HELP),
    ),
  ],
);

