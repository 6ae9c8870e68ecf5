// Pub/sub (pubsub.c): SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, PUBSUB. Node-local:
// the registry lives on the server (server/pubsub.ts) and nothing is replicated.
import { array, bulk, bulks, int, NONE, NULL, type Reply } from '../resp/reply.js';
import { helpReply } from './command.js';
import type { PubSubApi, Session } from './context.js';
import { E } from './errors.js';
import { containerCommand, localCommand, type Command, type CommandFlag } from './table.js';

const docs = (summary: string, since: string, complexity: string) => ({ summary, since, group: 'pubsub', complexity });
const SUBSCRIBE_FLAGS: readonly CommandFlag[] = ['pubsub', 'noscript', 'loading', 'stale'];
const QUERY_FLAGS: readonly CommandFlag[] = ['pubsub', 'loading', 'stale'];

const PUBSUB_HELP = [
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
];

/** addReplyPubsub(Un)Subscribed: [kind, channel or null, the client's channels + patterns]; RESP3 push. */
function confirmation(kind: string, name: Buffer | null, count: number): Reply {
  return { t: 'push', items: [bulk(kind), name === null ? NULL : bulk(name), int(count)] };
}

/**
 * One confirmation per argument, in order; with no arguments, every current subscription, or one
 * confirmation with a null name when there is none (pubsubUnsubscribeAll*).
 */
function unsubscribeFrom(
  session: Session,
  argv: readonly Buffer[],
  kind: string,
  current: (ps: PubSubApi) => Buffer[],
  remove: (ps: PubSubApi, name: Buffer) => number,
): Reply {
  const ps = session.server.pubsub;
  const names = argv.length > 1 ? argv.slice(1) : current(ps);
  if (names.length === 0) session.sendPush(confirmation(kind, null, ps.subscriptionCount(session)));
  for (const name of names) session.sendPush(confirmation(kind, name, remove(ps, name)));
  return NONE;
}

export const pubsubCommands: Command[] = [
  localCommand(
    'subscribe',
    { arity: -2, flags: SUBSCRIBE_FLAGS, acl: [], docs: docs('Listens for messages published to channels.', '2.0.0', 'O(N) where N is the number of channels to subscribe to.') },
    (session, argv) => {
      for (const channel of argv.slice(1)) session.sendPush(confirmation('subscribe', channel, session.server.pubsub.subscribe(session, channel)));
      return NONE;
    },
  ),
  localCommand(
    'unsubscribe',
    { arity: -1, flags: SUBSCRIBE_FLAGS, acl: [], docs: docs('Stops listening to messages posted to channels.', '2.0.0', 'O(N) where N is the number of channels to unsubscribe.') },
    (session, argv) =>
      unsubscribeFrom(
        session,
        argv,
        'unsubscribe',
        (ps) => ps.channelsOf(session),
        (ps, name) => ps.unsubscribe(session, name),
      ),
  ),
  localCommand(
    'psubscribe',
    { arity: -2, flags: SUBSCRIBE_FLAGS, acl: [], docs: docs('Listens for messages published to channels that match one or more patterns.', '2.0.0', 'O(N) where N is the number of patterns to subscribe to.') },
    (session, argv) => {
      for (const pattern of argv.slice(1)) session.sendPush(confirmation('psubscribe', pattern, session.server.pubsub.psubscribe(session, pattern)));
      return NONE;
    },
  ),
  localCommand(
    'punsubscribe',
    { arity: -1, flags: SUBSCRIBE_FLAGS, acl: [], docs: docs('Stops listening to messages published to channels that match one or more patterns.', '2.0.0', 'O(N) where N is the number of patterns to unsubscribe.') },
    (session, argv) =>
      unsubscribeFrom(
        session,
        argv,
        'punsubscribe',
        (ps) => ps.patternsOf(session),
        (ps, name) => ps.punsubscribe(session, name),
      ),
  ),
  localCommand(
    'publish',
    {
      arity: 3,
      flags: ['pubsub', 'loading', 'stale', 'fast', 'may_replicate'],
      acl: [],
      docs: docs('Posts a message to a channel.', '2.0.0', 'O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).'),
    },
    (session, argv) => int(session.server.pubsub.publish(argv[1]!, argv[2]!)),
  ),
  containerCommand('pubsub', { arity: -2, flags: [], acl: [], docs: docs('A container for Pub/Sub commands.', '2.8.0', 'Depends on subcommand.') }, [
    localCommand(
      'pubsub|channels',
      { arity: -2, flags: QUERY_FLAGS, acl: [], docs: docs('Returns the active channels.', '2.8.0', 'O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)') },
      (session, argv) => {
        if (argv.length > 3) return E.subcommandSyntax(argv[1]!, 'pubsub');
        return bulks(session.server.pubsub.activeChannels(argv.length === 3 ? argv[2]! : null));
      },
    ),
    localCommand(
      'pubsub|numsub',
      { arity: -2, flags: QUERY_FLAGS, acl: [], docs: docs('Returns a count of subscribers to channels.', '2.8.0', 'O(N) for the NUMSUB subcommand, where N is the number of requested channels') },
      (session, argv) => array(argv.slice(2).flatMap((channel) => [bulk(channel), int(session.server.pubsub.numsub(channel))])),
    ),
    localCommand(
      'pubsub|numpat',
      { arity: 2, flags: QUERY_FLAGS, acl: [], docs: docs('Returns a count of unique pattern subscriptions.', '2.8.0', 'O(1)') },
      (session) => int(session.server.pubsub.numpat()),
    ),
    localCommand('pubsub|help', { arity: 2, flags: ['loading', 'stale'], acl: [], docs: docs('Returns helpful text about the different subcommands.', '6.2.0', 'O(1)') }, () =>
      helpReply('pubsub', PUBSUB_HELP),
    ),
  ]),
];
