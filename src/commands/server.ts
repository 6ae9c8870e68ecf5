// Server commands (Redis server.c / config.c / debug.c): INFO, CONFIG, TIME, LASTSAVE, SHUTDOWN,
// COMMAND (command.ts), DEBUG.
import { array, bulk, err, int, map, OK, verbatim, type Reply } from '../resp/reply.js';
import { commandCommand, helpReply } from './command.js';
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
      'config|help',
      { arity: 2, flags: ['loading', 'stale'], acl: ['@slow'], docs: docs('Show helpful text about the different subcommands', '5.0.0') },
      () => helpReply('config', CONFIG_HELP),
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

const CONFIG_HELP = [
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
];

// ---- DEBUG -------------------------------------------------------------------------------

const DEBUG_HELP = [
  'SLEEP <seconds>',
  "    Hold this connection's replies for <seconds>; other clients are served meanwhile.",
  '    Decimals allowed.',
];

/** Node's timers fire at once beyond this; longer sleeps wait in several steps. */
const TIMER_MS_MAX = 2 ** 31 - 1;

/**
 * C's strtod on the longest prefix that parses, 0 when none does: DEBUG SLEEP takes whatever
 * strtod makes of its argument ("abc" sleeps 0, "1.5s" sleeps 1.5, " 2" sleeps 2).
 */
export function strtodPrefix(text: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)(?:(inf(?:inity)?|nan)|0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?|(\d*\.?\d*)(?:e([+-]?\d+))?)/i.exec(text);
  if (m === null) return 0;
  const sign = m[1] === '-' ? -1 : 1;
  const [, , word, hexInt, hexFrac, hexExp, dec, decExp] = m;
  if (word !== undefined) return word.toLowerCase() === 'nan' ? Number.NaN : sign * Infinity;
  if (hexInt !== undefined) {
    const digits = hexInt + (hexFrac ?? '');
    // "0x" alone parses as the 0 before the x.
    if (digits.length === 0) return 0;
    const mantissa = [...digits].reduce((acc, d) => acc * 16 + parseInt(d, 16), 0) / 16 ** (hexFrac ?? '').length;
    return sign * mantissa * 2 ** Number(hexExp ?? 0);
  }
  if (dec === undefined || !/\d/.test(dec)) return 0;
  return sign * Number(`${dec}e${decExp ?? 0}`);
}

/**
 * DEBUG SLEEP: Redis stops the whole server; pikiraft delays only this connection's replies.
 * Its later commands are still read and run in order, their replies wait behind this one, and
 * every other client is served meanwhile.
 */
function debugSleep(arg: Buffer): Reply | Promise<Reply> {
  // Redis converts seconds to a long long of microseconds; NaN, infinities and values past its
  // range come out negative on x86-64, and a non-positive sleep returns at once.
  const us = Math.trunc(strtodPrefix(arg.toString('latin1')) * 1e6);
  if (!Number.isFinite(us) || us <= 0 || us >= 2 ** 63) return OK;
  const until = performance.now() + us / 1000;
  return new Promise<Reply>((resolve) => {
    const wait = (): void => {
      const left = until - performance.now();
      if (left <= 0) return resolve(OK);
      // unref: a sleeping client must not keep a shutting-down server alive.
      setTimeout(wait, Math.min(Math.ceil(left), TIMER_MS_MAX)).unref();
    };
    wait();
  });
}

serverCommands.push(
  commandCommand,
  localCommand(
    'debug',
    { arity: -2, flags: ['admin', 'noscript', 'loading', 'stale'], acl: ['@admin', '@slow', '@dangerous'], docs: docs('A container for debugging commands', '1.0.0', 'Depends on subcommand.') },
    // debug.c parses its own subcommands: anything but SLEEP and HELP (or a wrong argument count)
    // gets Redis's unknown-subcommand reply.
    (_session, argv) => {
      const sub = argv[1]!.toString('latin1').toLowerCase();
      if (sub === 'help' && argv.length === 2) return helpReply('debug', DEBUG_HELP);
      if (sub === 'sleep' && argv.length === 3) return debugSleep(argv[2]!);
      return E.subcommandSyntax(argv[1]!, 'debug');
    },
  ),
);
