// COMMAND and its subcommands (Redis server.c): every reply is generated from the command table,
// in the shapes redis-server 7.0 uses for RESP2 and RESP3.
import { array, bulk, int, map, NULL, simple, type Reply } from '../resp/reply.js';
import { globMatch } from '../util/glob.js';
import { parseInt64 } from './args.js';
import type { Session } from './context.js';
import { E } from './errors.js';
import {
  ACL_CATEGORIES,
  FLAG_ORDER,
  KEY_SPEC_FLAGS,
  localCommand,
  localContainerCommand,
  subcommandsOf,
  type ArgumentDoc,
  type Command,
  type CommandFlag,
  type CommandTable,
  type KeySpec,
  type KeySpecFlag,
} from './table.js';

/** A RESP3 set (RESP2 array). */
const setOf = (items: readonly Reply[]): Reply => ({ t: 'set', items });
const simples = (names: readonly string[]): Reply => setOf(names.map(simple));

/** Redis's addReplyHelp: a header naming the command, the given lines, then HELP. */
export function helpReply(command: string, lines: readonly string[]): Reply {
  return array(
    [`${command.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`, ...lines, 'HELP', '    Prints this help.'].map(simple),
  );
}

// ---- COMMAND INFO ------------------------------------------------------------------------

/** The legacy (first, last, step) triple; 0 0 0 for commands without keys. */
function legacyRange(cmd: Command): [number, number, number] {
  return cmd.keys ? [cmd.keys.first, cmd.keys.last, cmd.keys.step] : [0, 0, 0];
}

function sortedFlags(flags: readonly CommandFlag[]): string[] {
  return FLAG_ORDER.filter((f) => flags.includes(f));
}

/**
 * Redis's populateCommandMovableKeys: a command whose keys are not at fixed positions (a key
 * spec found by keyword or by a key count) is flagged movablekeys; it is derived, not declared.
 */
function isMovableKeys(cmd: Command): boolean {
  return cmd.keySpecs.some((spec) => spec.beginSearch.type !== 'index' || spec.findKeys.type !== 'range');
}

/** The flags COMMAND INFO lists: declared ones in Redis's order, movablekeys before allow_busy. */
function infoFlags(cmd: Command): string[] {
  const names = sortedFlags(cmd.flags);
  if (!isMovableKeys(cmd)) return names;
  const at = names.indexOf('allow_busy');
  names.splice(at === -1 ? names.length : at, 0, 'movablekeys');
  return names;
}

function sortedCategories(acl: readonly string[]): string[] {
  return ACL_CATEGORIES.map((c) => `@${c}`).filter((c) => acl.includes(c));
}

function keySpecFlags(flags: readonly KeySpecFlag[]): string[] {
  return KEY_SPEC_FLAGS.filter((f) => flags.includes(f));
}

function keySpecReply(spec: KeySpec): Reply {
  const entries: [Reply, Reply][] = [];
  if (spec.notes !== undefined) entries.push([bulk('notes'), bulk(spec.notes)]);
  entries.push([bulk('flags'), simples(keySpecFlags(spec.flags))]);
  const bs = spec.beginSearch;
  entries.push([
    bulk('begin_search'),
    map([
      [bulk('type'), bulk(bs.type)],
      [
        bulk('spec'),
        bs.type === 'index'
          ? map([[bulk('index'), int(bs.index)]])
          : bs.type === 'keyword'
            ? map([
                [bulk('keyword'), bulk(bs.keyword)],
                [bulk('startfrom'), int(bs.startFrom)],
              ])
            : map([]),
      ],
    ]),
  ]);
  const fk = spec.findKeys;
  entries.push([
    bulk('find_keys'),
    map([
      [bulk('type'), bulk(fk.type)],
      [
        bulk('spec'),
        fk.type === 'unknown'
          ? map([])
          : fk.type === 'range'
          ? map([
              [bulk('lastkey'), int(fk.lastKey)],
              [bulk('keystep'), int(fk.keyStep)],
              [bulk('limit'), int(fk.limit)],
            ])
          : map([
              [bulk('keynumidx'), int(fk.keyNumIdx)],
              [bulk('firstkey'), int(fk.firstKey)],
              [bulk('keystep'), int(fk.keyStep)],
            ]),
      ],
    ]),
  ]);
  return map(entries);
}

/** Redis 7.0's ten-element COMMAND INFO entry. */
export function commandInfoReply(cmd: Command): Reply {
  const [first, last, step] = legacyRange(cmd);
  const subs = subcommandsOf(cmd);
  return array([
    bulk(cmd.fullName),
    int(cmd.arity),
    simples(infoFlags(cmd)),
    int(first),
    int(last),
    int(step),
    simples(sortedCategories(cmd.acl)),
    setOf(cmd.tips.map((t) => bulk(t))),
    setOf(cmd.keySpecs.map(keySpecReply)),
    // Redis answers an empty set when there are no subcommands, an array otherwise.
    subs.length === 0 ? setOf([]) : array(subs.map(commandInfoReply)),
  ]);
}

// ---- COMMAND DOCS ------------------------------------------------------------------------

function argumentReply(arg: ArgumentDoc): Reply {
  const entries: [Reply, Reply][] = [
    [bulk('name'), bulk(arg.name)],
    [bulk('type'), bulk(arg.type)],
  ];
  if (arg.keySpecIndex !== undefined) entries.push([bulk('key_spec_index'), int(arg.keySpecIndex)]);
  if (arg.token !== undefined) entries.push([bulk('token'), bulk(arg.token)]);
  if (arg.summary !== undefined) entries.push([bulk('summary'), bulk(arg.summary)]);
  if (arg.since !== undefined) entries.push([bulk('since'), bulk(arg.since)]);
  if (arg.deprecatedSince !== undefined) entries.push([bulk('deprecated_since'), bulk(arg.deprecatedSince)]);
  if (arg.flags !== undefined && arg.flags.length > 0) entries.push([bulk('flags'), simples(arg.flags)]);
  if (arg.arguments !== undefined) entries.push([bulk('arguments'), array(arg.arguments.map(argumentReply))]);
  return map(entries);
}

export function commandDocsReply(cmd: Command): Reply {
  const d = cmd.docs;
  const entries: [Reply, Reply][] = [
    [bulk('summary'), bulk(d.summary)],
    [bulk('since'), bulk(d.since)],
    [bulk('group'), bulk(d.group)],
  ];
  if (d.complexity !== undefined) entries.push([bulk('complexity'), bulk(d.complexity)]);
  if (d.docFlags !== undefined && d.docFlags.length > 0) entries.push([bulk('doc_flags'), simples(d.docFlags)]);
  if (d.deprecatedSince !== undefined) entries.push([bulk('deprecated_since'), bulk(d.deprecatedSince)]);
  if (d.replacedBy !== undefined) entries.push([bulk('replaced_by'), bulk(d.replacedBy)]);
  if (d.history !== undefined && d.history.length > 0) {
    entries.push([bulk('history'), setOf(d.history.map(([version, what]) => array([bulk(version), bulk(what)])))]);
  }
  if (d.arguments !== undefined && d.arguments.length > 0) entries.push([bulk('arguments'), array(d.arguments.map(argumentReply))]);
  const subs = subcommandsOf(cmd);
  if (subs.length > 0) entries.push([bulk('subcommands'), map(subs.map((s) => [bulk(s.fullName), commandDocsReply(s)] as const))]);
  return map(entries);
}

// ---- COMMAND LIST ------------------------------------------------------------------------

type ListFilter = { kind: 'module' | 'aclcat' | 'pattern'; arg: Buffer } | null;

function listed(cmd: Command, filter: ListFilter): boolean {
  if (filter === null) return true;
  switch (filter.kind) {
    // pikiraft has no modules: no command belongs to any.
    case 'module':
      return false;
    case 'aclcat': {
      const category = filter.arg.toString('latin1').toLowerCase();
      return (ACL_CATEGORIES as readonly string[]).includes(category) && cmd.acl.includes(`@${category}`);
    }
    case 'pattern':
      return globMatch(filter.arg, Buffer.from(cmd.fullName, 'latin1'), true);
  }
}

// ---- COMMAND GETKEYS ---------------------------------------------------------------------

export interface KeyRef {
  readonly pos: number;
  readonly flags: readonly KeySpecFlag[];
}

/**
 * Key flags that depend on the arguments (key specs marked variable_flags), as Redis's getkeys
 * procedures compute them. SET (setGetKeys): with a GET argument it reads the old value.
 */
const VARIABLE_KEY_FLAGS: ReadonlyMap<string, (argv: readonly Buffer[]) => KeyRef[]> = new Map([
  [
    'set',
    (argv: readonly Buffer[]): KeyRef[] => {
      const get = argv.slice(3).some((a) => a.toString('latin1').toLowerCase() === 'get');
      return [{ pos: 1, flags: get ? ['RW', 'access', 'update'] : ['OW', 'update'] }];
    },
  ],
]);

/**
 * Native getkeys procedures, used when the key specs cannot find every key. SORT (sortGetKeys):
 * the sorted key, and the last STORE's key; LIMIT, GET and BY skip their arguments, and the
 * STORE check comes first for every argument, as in Redis.
 */
const GETKEYS_PROCS: ReadonlyMap<string, (argv: readonly Buffer[]) => KeyRef[]> = new Map([
  [
    'sort',
    (argv: readonly Buffer[]): KeyRef[] => {
      const keys: KeyRef[] = [{ pos: 1, flags: ['RO', 'access'] }];
      let store: KeyRef | null = null;
      const skips: readonly [string, number][] = [
        ['limit', 2],
        ['get', 1],
        ['by', 1],
      ];
      for (let i = 2; i < argv.length; i++) {
        const arg = argv[i]!.toString('latin1').toLowerCase();
        for (const [name, skip] of skips) {
          if (arg === name) {
            i += skip;
            break;
          } else if (arg === 'store' && i + 1 < argv.length) {
            store = { pos: i + 1, flags: ['OW', 'update'] };
            break;
          }
        }
      }
      return store ? [...keys, store] : keys;
    },
  ],
  // sortROGetKeys: the sorted key only.
  ['sort_ro', (): KeyRef[] => [{ pos: 1, flags: ['RO', 'access'] }]],
]);

/** Redis's getKeysUsingKeySpecs: the key positions, or null when an argument makes a spec invalid. */
function keysFromSpecs(cmd: Command, argv: readonly Buffer[]): KeyRef[] | null {
  const argc = argv.length;
  const keys: KeyRef[] = [];
  for (const spec of cmd.keySpecs) {
    let first = 0;
    const bs = spec.beginSearch;
    if (bs.type === 'unknown' || spec.findKeys.type === 'unknown') return null;
    if (bs.type === 'index') {
      first = bs.index;
    } else {
      // Searched forward from startfrom, or backwards from the end when it is negative.
      const start = bs.startFrom > 0 ? bs.startFrom : argc + bs.startFrom;
      const end = bs.startFrom > 0 ? argc - 1 : 1;
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (argv[i]!.toString('latin1').toLowerCase() === bs.keyword.toLowerCase()) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue;
    }
    let last: number;
    let step: number;
    const fk = spec.findKeys;
    if (fk.type === 'range') {
      step = fk.keyStep;
      if (fk.lastKey >= 0) last = first + fk.lastKey;
      else if (fk.limit === 0) last = argc + fk.lastKey;
      else last = first + (Math.floor((argc - first) / fk.limit) + fk.lastKey);
    } else {
      step = fk.keyStep;
      if (first + fk.keyNumIdx >= argc) return null;
      const numkeys = parseInt64(argv[first + fk.keyNumIdx]!);
      if (numkeys === null || numkeys < 0n || numkeys > BigInt(argc)) return null;
      first += fk.firstKey;
      last = first + Number(numkeys) - 1;
    }
    if (last >= argc || last < first || first >= argc) return null;
    for (let i = first; i <= last; i += step) keys.push({ pos: i, flags: spec.flags });
    if (spec.flags.includes('incomplete')) return null;
  }
  return keys;
}

/**
 * The keys of a full command line (`argv[0]` is the command) with their key-spec flags, as
 * COMMAND GETKEYSANDFLAGS finds them; null when the arguments do not fit the key specs.
 */
export function keysWithFlags(cmd: Command, argv: readonly Buffer[]): KeyRef[] | null {
  const variable = VARIABLE_KEY_FLAGS.get(cmd.fullName);
  if (variable) return variable(argv);
  const proc = GETKEYS_PROCS.get(cmd.fullName);
  return keysFromSpecs(cmd, argv) ?? (proc ? proc(argv) : null);
}

function getKeys(table: CommandTable, argv: readonly Buffer[], withFlags: boolean): Reply {
  const target = argv.slice(2);
  const cmd = table.byArgv(target);
  if (!cmd) return E.invalidCommandSpecified;
  const variable = VARIABLE_KEY_FLAGS.get(cmd.fullName);
  if (!variable && !cmd.keySpecs.some((s) => !s.flags.includes('not_key'))) return E.commandHasNoKeys;
  const argc = target.length;
  if ((cmd.arity > 0 && cmd.arity !== argc) || argc < -cmd.arity) return E.invalidGetkeysArity;
  const keys = keysWithFlags(cmd, target) ?? [];
  if (keys.length === 0) return cmd.flags.includes('no_mandatory_keys') ? array([]) : E.invalidGetkeysArguments;
  return array(keys.map((k) => (withFlags ? array([bulk(target[k.pos]!), simples(keySpecFlags(k.flags))]) : bulk(target[k.pos]!))));
}

// ---- the command ---------------------------------------------------------------------------

const docs = (summary: string, since: string, complexity: string) => ({ summary, since, group: 'server', complexity });
const META = { flags: ['loading', 'stale'] as CommandFlag[], acl: ['@slow', '@connection'] };

const HELP = [
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
];

const table = (session: Session): CommandTable => session.server.commandTable();

export const commandCommand: Command = localContainerCommand(
  'command',
  { arity: -1, ...META, docs: docs('Get array of Redis command details', '2.8.13', 'O(N) where N is the total number of Redis commands') },
  (session) => array(table(session).all().map(commandInfoReply)),
  [
    localCommand('command|count', { arity: 2, ...META, docs: docs('Get total number of Redis commands', '2.8.13', 'O(1)') }, (session) =>
      int(table(session).all().length),
    ),
    localCommand(
      'command|info',
      { arity: -2, ...META, docs: docs('Get array of specific Redis command details, or all when no argument is given.', '2.8.13', 'O(N) where N is the number of commands to look up') },
      (session, argv) => {
        const t = table(session);
        if (argv.length === 2) return array(t.all().map(commandInfoReply));
        return array(argv.slice(2).map((name) => {
          const cmd = t.byFullName(name.toString('latin1'));
          return cmd ? commandInfoReply(cmd) : NULL;
        }));
      },
    ),
    localCommand(
      'command|docs',
      { arity: -2, ...META, docs: docs('Get array of specific Redis command documentation', '7.0.0', 'O(N) where N is the number of commands to look up') },
      (session, argv) => {
        const t = table(session);
        const cmds = argv.length === 2 ? t.all() : argv.slice(2).flatMap((name) => t.byFullName(name.toString('latin1')) ?? []);
        // Unknown names are left out (a map cannot hold a nil key).
        return map(cmds.map((c) => [bulk(c.fullName), commandDocsReply(c)] as const));
      },
    ),
    localCommand(
      'command|list',
      { arity: -2, ...META, docs: docs('Get an array of Redis command names', '7.0.0', 'O(N) where N is the total number of Redis commands') },
      (session, argv) => {
        let filter: ListFilter = null;
        // As commandListCommand: one FILTERBY with its two arguments, nothing else.
        if (argv.length > 2) {
          if (argv.length !== 5 || argv[2]!.toString('latin1').toLowerCase() !== 'filterby') return E.syntax;
          const kind = argv[3]!.toString('latin1').toLowerCase();
          if (kind !== 'module' && kind !== 'aclcat' && kind !== 'pattern') return E.syntax;
          filter = { kind, arg: argv[4]! };
        }
        const names: Reply[] = [];
        for (const cmd of table(session).all()) {
          for (const c of [cmd, ...subcommandsOf(cmd)]) if (listed(c, filter)) names.push(bulk(c.fullName));
        }
        return array(names);
      },
    ),
    localCommand(
      'command|getkeys',
      { arity: -4, ...META, docs: docs('Extract keys given a full Redis command', '2.8.13', 'O(N) where N is the number of arguments to the command') },
      (session, argv) => getKeys(table(session), argv, false),
    ),
    localCommand(
      'command|getkeysandflags',
      { arity: -4, ...META, docs: docs('Extract keys and access flags given a full Redis command', '7.0.0', 'O(N) where N is the number of arguments to the command') },
      (session, argv) => getKeys(table(session), argv, true),
    ),
    localCommand('command|help', { arity: 2, ...META, docs: docs('Show helpful text about the different subcommands', '5.0.0', 'O(1)') }, () =>
      helpReply('command', HELP),
    ),
  ],
);
