// Connection commands (PING, ECHO, QUIT, SELECT, ...): they run on the node the client talks to.
import { bulk, NONE, OK, PONG, array, type Reply } from '../resp/reply.js';
import { parseSafeInt } from './args.js';
import { E } from './errors.js';
import { localCommand, type Command } from './table.js';
import { DATABASES } from '../state-machine/keyspace.js';

const docs = (summary: string, since: string) => ({ summary, since, group: 'connection', complexity: 'O(1)' });

export const connectionCommands: Command[] = [
  localCommand(
    'ping',
    { arity: -1, flags: ['fast'], acl: ['@fast', '@connection'], docs: docs('Returns the server\'s liveliness response.', '1.0.0') },
    (_session, argv): Reply => {
      if (argv.length > 2) return E.wrongArity('ping');
      return argv.length === 2 ? bulk(argv[1]!) : PONG;
    },
  ),
  localCommand(
    'echo',
    { arity: 2, flags: ['fast'], acl: ['@fast', '@connection'], docs: docs('Returns the given string.', '1.0.0') },
    (_session, argv) => bulk(argv[1]!),
  ),
  localCommand(
    'quit',
    { arity: -1, flags: ['no_auth', 'fast', 'allow_busy'], acl: ['@fast', '@connection'], docs: docs('Closes the connection.', '1.0.0') },
    (session) => {
      session.closeAfterReply();
      return OK;
    },
  ),
  localCommand(
    'select',
    { arity: 2, flags: ['loading', 'stale', 'fast'], acl: ['@keyspace', '@fast'], docs: docs('Changes the selected database.', '1.0.0') },
    (session, argv) => {
      const db = parseSafeInt(argv[1]!);
      if (db === null) return E.invalidDbIndex;
      if (db < 0 || db >= DATABASES) return E.dbIndexOutOfRange;
      session.db = db;
      return OK;
    },
  ),
];

export { NONE, array };
