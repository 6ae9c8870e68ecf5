// Server commands (Redis server.c / config.c): INFO, CONFIG, TIME, LASTSAVE, SHUTDOWN, DBSIZE-free admin.
import { array, bulk, err, int, map, OK, verbatim } from '../resp/reply.js';
import { containerCommand, localCommand, type Command } from './table.js';
import { E } from './errors.js';

const docs = (summary: string, since: string, complexity = 'O(1)') => ({ summary, since, group: 'server', complexity });

export const serverCommands: Command[] = [
  localCommand(
    'info',
    { arity: -1, flags: ['loading', 'stale'], acl: ['@slow', '@dangerous'], docs: docs('Returns information and statistics about the server.', '1.0.0') },
    // RESP2 clients get a bulk string, RESP3 clients a verbatim string, as Redis 7.0 does.
    (session, argv) => verbatim(session.server.info(argv.slice(1).map((a) => a.toString('latin1')))),
  ),
  localCommand(
    'time',
    { arity: 1, flags: ['loading', 'stale', 'fast'], acl: ['@fast'], docs: docs('Returns the server time.', '2.6.0') },
    () => {
      const us = BigInt(Date.now()) * 1000n + BigInt(Math.floor((performance.now() % 1) * 1000));
      return array([bulk((us / 1_000_000n).toString()), bulk((us % 1_000_000n).toString())]);
    },
  ),
  localCommand(
    'lastsave',
    { arity: 1, flags: ['loading', 'stale', 'fast'], acl: ['@admin', '@fast', '@dangerous'], docs: docs('Returns the Unix timestamp of the last successful save to disk.', '1.0.0') },
    (session) => int(session.server.lastSaveUnixSec()),
  ),
  localCommand(
    'shutdown',
    { arity: -1, flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'], acl: ['@admin', '@slow', '@dangerous'], docs: docs('Synchronously saves the database(s) to disk and shuts down the Redis server.', '1.0.0', 'O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)') },
    (session, argv) => {
      const opts = argv.slice(1).map((a) => a.toString('latin1').toLowerCase());
      if (opts.includes('abort')) return opts.length === 1 ? err('ERR No shutdown in progress.') : E.syntax;
      if (!opts.every((o) => ['nosave', 'save', 'now', 'force'].includes(o))) return E.syntax;
      if (opts.includes('nosave') && opts.includes('save')) return E.syntax;
      // Every acknowledged write is already durable: SAVE and NOSAVE both mean a clean stop.
      session.server.shutdown();
      return { t: 'none' };
    },
  ),
  containerCommand('config', { arity: -2, flags: [], acl: ['@slow'], docs: docs('A container for server configuration commands.', '2.0.0') }, [
    localCommand(
      'config|get',
      { arity: -3, flags: ['admin', 'noscript', 'loading', 'stale'], acl: ['@admin', '@slow', '@dangerous'], docs: docs('Returns the effective values of configuration parameters.', '2.0.0', 'O(N) when N is the number of configuration parameters provided') },
      (session, argv) => map(session.server.config.get(argv.slice(2).map((a) => a.toString('latin1'))).map(([k, v]) => [bulk(k), bulk(v)] as const)),
    ),
    localCommand(
      'config|set',
      { arity: -4, flags: ['admin', 'noscript', 'loading', 'stale'], acl: ['@admin', '@slow', '@dangerous'], docs: docs('Sets configuration parameters in-flight.', '2.0.0', 'O(N) when N is the number of configuration parameters provided') },
      (session, argv) => {
        if (argv.length % 2 !== 0) return E.wrongArity('config|set');
        const pairs: [string, string][] = [];
        for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i]!.toString('latin1'), argv[i + 1]!.toString('latin1')]);
        const failure = session.server.config.set(pairs);
        return failure === null ? OK : err(failure);
      },
    ),
    localCommand(
      'config|resetstat',
      { arity: 2, flags: ['admin', 'noscript', 'loading', 'stale'], acl: ['@admin', '@slow', '@dangerous'], docs: docs('Resets the server\'s statistics.', '2.0.0') },
      (session) => {
        session.server.resetStats();
        return OK;
      },
    ),
    localCommand(
      'config|rewrite',
      { arity: 2, flags: ['admin', 'noscript', 'loading', 'stale'], acl: ['@admin', '@slow', '@dangerous'], docs: docs('Persists the effective configuration to file.', '2.8.0') },
      (session) => {
        const failure = session.server.config.rewrite();
        return failure === null ? OK : err(failure);
      },
    ),
  ]),
];
