// Server commands (Redis server.c / config.c / debug.c): INFO, ...
import { verbatim } from '../resp/reply.js';
import { localCommand, type Command } from './table.js';

export const serverCommands: Command[] = [
  localCommand(
    'info',
    {
      arity: -1,
      flags: ['loading', 'stale'],
      acl: ['@slow', '@dangerous'],
      docs: { summary: 'Returns information and statistics about the server.', since: '1.0.0', group: 'server', complexity: 'O(1)' },
    },
    // RESP2 clients get a bulk string, RESP3 clients a verbatim string, as Redis 7.0 does.
    (session, argv) => verbatim(session.server.info(argv.slice(1).map((a) => a.toString('latin1')))),
  ),
];
