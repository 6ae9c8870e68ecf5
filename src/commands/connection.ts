// Connection commands (PING, ECHO, QUIT, SELECT, ...): they run on the node the client talks to.
import { bulk, bulkOrNull, bulks, int, map, OK, PONG, array, simple, verbatim, type Reply } from '../resp/reply.js';
import type { ClientFilter, Session } from './context.js';
import { containerCommand } from './table.js';
import { parseInt64, parseSafeInt } from './args.js';
import { E } from './errors.js';
import { localCommand, type Command } from './table.js';
import { DATABASES } from '../state-machine/keyspace.js';

const docs = (summary: string, since: string) => ({ summary, since, group: 'connection', complexity: 'O(1)' });

export const connectionCommands: Command[] = [
  localCommand(
    'ping',
    { arity: -1, flags: ['fast'], acl: ['@fast', '@connection'], docs: docs('Returns the server\'s liveliness response.', '1.0.0') },
    (session, argv): Reply => {
      if (argv.length > 2) return E.wrongArity('ping');
      // A RESP2 subscriber reads replies as messages: PING answers in a message's shape.
      if (session.proto === 2 && session.server.pubsub.subscriptionCount(session) > 0) return bulks(['pong', argv.length === 2 ? argv[1]! : '']);
      return argv.length === 2 ? bulk(argv[1]!) : PONG;
    },
  ),
  localCommand(
    'echo',
    { arity: 2, flags: ['loading', 'stale', 'fast'], acl: ['@fast', '@connection'], docs: docs('Returns the given string.', '1.0.0') },
    (_session, argv) => bulk(argv[1]!),
  ),
  localCommand(
    'quit',
    { arity: -1, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], acl: ['@fast', '@connection'], docs: docs('Closes the connection.', '1.0.0') },
    (session) => {
      session.closeAfterReply();
      return OK;
    },
  ),
  localCommand(
    'select',
    { arity: 2, flags: ['loading', 'stale', 'fast'], acl: ['@fast', '@connection'], docs: docs('Changes the selected database.', '1.0.0') },
    (session, argv) => {
      const db = parseSafeInt(argv[1]!);
      if (db === null) return E.invalidDbIndex;
      if (db < 0 || db >= DATABASES) return E.dbIndexOutOfRange;
      session.db = db;
      return OK;
    },
  ),
  localCommand(
    'auth',
    { arity: -2, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], acl: ['@fast', '@connection'], docs: docs('Authenticates the connection.', '1.0.0') },
    (session, argv) => {
      if (argv.length > 3) return E.syntax;
      const user = argv.length === 3 ? argv[1]!.toString('latin1') : 'default';
      const pass = argv[argv.length - 1]!.toString('latin1');
      if (argv.length === 2 && !session.server.requiresAuth()) return E.noPassSet;
      return authenticate(session, user, pass) ?? OK;
    },
  ),
  localCommand(
    'hello',
    { arity: -1, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], acl: ['@fast', '@connection'], docs: docs('Handshakes with the Redis server.', '6.0.0') },
    (session, argv) => {
      let proto = session.proto;
      if (argv.length >= 2) {
        const v = parseSafeInt(argv[1]!);
        if (v === null) return E.protocolVersionNotInteger;
        if (v !== 2 && v !== 3) return E.protoUnsupported;
        proto = v;
      }
      let name: string | null = null;
      for (let i = 2; i < argv.length; i++) {
        const opt = argv[i]!.toString('latin1').toLowerCase();
        if (opt === 'auth' && i + 2 < argv.length) {
          const failed = authenticate(session, argv[i + 1]!.toString('latin1'), argv[i + 2]!.toString('latin1'));
          if (failed) return failed;
          i += 2;
        } else if (opt === 'setname' && i + 1 < argv.length) {
          const invalid = checkClientName(argv[i + 1]!);
          if (invalid) return invalid;
          name = argv[i + 1]!.toString('latin1');
          i += 1;
        } else {
          return E.syntaxInOption(argv[i]!);
        }
      }
      if (!session.authenticated) return E.noAuthHello;
      session.proto = proto;
      if (name !== null) session.name = name;
      return map([
        [bulk('server'), bulk('redis')],
        [bulk('version'), bulk('7.0.15')],
        [bulk('proto'), int(proto)],
        [bulk('id'), int(session.id)],
        [bulk('mode'), bulk('standalone')],
        [bulk('role'), bulk('master')],
        [bulk('modules'), array([])],
      ]);
    },
  ),
  localCommand(
    'reset',
    { arity: 1, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], acl: ['@fast', '@connection'], docs: docs('Resets the connection.', '6.2.0') },
    (session) => {
      session.reset();
      return simple('RESET');
    },
  ),
  containerCommand('client', { arity: -2, flags: [], acl: ['@slow'], docs: docs('A container for client connection commands.', '2.4.0') }, [
    localCommand('client|id', { arity: 2, flags: ['noscript', 'loading', 'stale'], acl: ['@slow', '@connection'], docs: docs('Returns the unique client ID of the connection.', '5.0.0') }, (session) => int(session.id)),
    localCommand('client|getname', { arity: 2, flags: ['noscript', 'loading', 'stale'], acl: ['@slow', '@connection'], docs: docs('Returns the name of the connection.', '2.6.9') }, (session) => bulkOrNull(session.name === '' ? null : session.name)),
    localCommand(
      'client|setname',
      { arity: 3, flags: ['noscript', 'loading', 'stale'], acl: ['@slow', '@connection'], docs: docs('Sets the connection name.', '2.6.9') },
      (session, argv) => {
        const invalid = checkClientName(argv[2]!);
        if (invalid) return invalid;
        session.name = argv[2]!.toString('latin1');
        return OK;
      },
    ),
    localCommand('client|info', { arity: 2, flags: ['noscript', 'loading', 'stale'], acl: ['@slow', '@connection'], docs: docs('Returns information about the connection.', '6.2.0') }, (session) => verbatim(`${session.describe()}\n`)),
    localCommand(
      'client|list',
      { arity: -2, flags: ['admin', 'noscript', 'loading', 'stale'], acl: ['@admin', '@slow', '@dangerous', '@connection'], docs: docs('Lists open connections.', '2.4.0') },
      (session, argv) => {
        // CLIENT LIST [TYPE normal|master|replica|slave|pubsub] | [ID id ...] (networking.c clientListCommand).
        let clients = session.server.clients();
        const opt = argv[2]?.toString('latin1').toLowerCase();
        if (argv.length === 4 && opt === 'type') {
          const type = argv[3]!.toString('latin1').toLowerCase();
          if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(type)) return E.unknownClientType(argv[3]!);
          const isPubsub = (c: Session): boolean => session.server.pubsub.subscriptionCount(c) > 0;
          clients = clients.filter((c) => (type === 'pubsub' ? isPubsub(c) : type === 'normal' && !isPubsub(c)));
        } else if (argv.length > 3 && opt === 'id') {
          const ids = new Set<number>();
          for (const a of argv.slice(3)) {
            const id = parseInt64(a);
            if (id === null) return E.invalidClientId;
            ids.add(Number(id));
          }
          clients = clients.filter((c) => ids.has(c.id));
        } else if (argv.length !== 2) {
          return E.syntax;
        }
        return verbatim(clients.map((c) => `${c.describe()}\n`).join(''));
      },
    ),
    localCommand(
      'client|unblock',
      { arity: -3, flags: ['admin', 'noscript', 'loading', 'stale'], acl: ['@admin', '@slow', '@dangerous', '@connection'], docs: docs('Unblocks a client blocked by a blocking command from a different connection.', '5.0.0') },
      (session, argv) => {
        if (argv.length > 4) return E.subcommandSyntax(argv[1]!, 'client');
        let error = false;
        if (argv.length === 4) {
          const reason = argv[3]!.toString('latin1').toLowerCase();
          if (reason === 'error') error = true;
          else if (reason !== 'timeout') return E.unblockReason;
        }
        const id = parseInt64(argv[2]!);
        if (id === null) return E.notInteger;
        const unblocked = id > 0n && id <= BigInt(Number.MAX_SAFE_INTEGER) && session.server.blocking.unblock(Number(id), error ? E.unblocked : null);
        return int(unblocked ? 1 : 0);
      },
    ),
    localCommand(
      'client|reply',
      { arity: 3, flags: ['noscript', 'loading', 'stale'], acl: ['@slow', '@connection'], docs: docs('Instructs the server whether to reply to commands.', '3.2.0') },
      (session, argv) => {
        const mode = argv[2]!.toString('latin1').toLowerCase();
        if (mode !== 'on' && mode !== 'off' && mode !== 'skip') return E.syntax;
        session.replyMode = mode;
        // OFF and SKIP are not answered themselves.
        return mode === 'on' ? OK : { t: 'none' };
      },
    ),
    localCommand(
      'client|no-evict',
      { arity: 3, flags: ['admin', 'noscript', 'loading', 'stale'], acl: ['@admin', '@slow', '@dangerous', '@connection'], docs: docs('Sets the client eviction mode of the connection.', '7.0.0') },
      // Client eviction needs maxmemory-clients, which pikiraft does not have: every client is
      // already exempt, so both modes are accepted and change nothing.
      (_session, argv) => (['on', 'off'].includes(argv[2]!.toString('latin1').toLowerCase()) ? OK : E.syntax),
    ),
    localCommand(
      'client|kill',
      { arity: -3, flags: ['admin', 'noscript', 'loading', 'stale'], acl: ['@admin', '@slow', '@dangerous', '@connection'], docs: docs('Terminates open connections.', '2.4.0') },
      (session, argv) => {
        if (argv.length === 3) {
          // Old form: CLIENT KILL addr:port, replies OK or an error.
          const n = session.server.killClients({ addr: argv[2]!.toString('latin1'), skipMe: false }, session);
          return n > 0 ? OK : E.noSuchClient;
        }
        if (argv.length % 2 !== 0) return E.syntax;
        const filter: ClientFilter = { skipMe: true };
        for (let i = 2; i < argv.length; i += 2) {
          const opt = argv[i]!.toString('latin1').toLowerCase();
          const value = argv[i + 1]!;
          if (opt === 'id') {
            const id = parseSafeInt(value);
            if (id === null || id < 1) return E.clientIdNotPositive;
            filter.id = id;
          } else if (opt === 'addr') filter.addr = value.toString('latin1');
          else if (opt === 'laddr') filter.laddr = value.toString('latin1');
          else if (opt === 'user') filter.user = value.toString('latin1');
          else if (opt === 'type') {
            const type = value.toString('latin1').toLowerCase();
            if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(type)) return E.unknownClientType(value);
            filter.type = type;
          } else if (opt === 'skipme') {
            const v = value.toString('latin1').toLowerCase();
            if (v !== 'yes' && v !== 'no') return E.syntax;
            filter.skipMe = v === 'yes';
          } else return E.syntax;
        }
        return int(session.server.killClients(filter, session));
      },
    ),
  ]),
];


/** Redis rejects client names with spaces, newlines or other characters outside '!'..'~'. */
function checkClientName(name: Buffer): Reply | null {
  for (const c of name) if (c < 0x21 || c > 0x7e) return E.badClientName;
  return null;
}

function authenticate(session: Session, user: string, pass: string): Reply | null {
  const ok = session.server.requiresAuth() ? session.server.checkPassword(user, pass) : user === 'default';
  if (!ok) return E.wrongPass;
  session.authenticated = true;
  return null;
}

