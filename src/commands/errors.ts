// Every error text a client can see, in Redis 7.0's exact wording, in one place.
import { err, type Reply } from '../resp/reply.js';
import { bytesToText } from './args.js';

export const E = {
  syntax: err('ERR syntax error'),
  notInteger: err('ERR value is not an integer or out of range'),
  notFloat: err('ERR value is not a valid float'),
  overflow: err('ERR increment or decrement would overflow'),
  decrementOverflow: err('ERR decrement would overflow'),
  nanOrInfinity: err('ERR increment would produce NaN or Infinity'),
  // Hashes (t_hash.c)
  hashValueNotInteger: err('ERR hash value is not an integer'),
  hashValueNotFloat: err('ERR hash value is not a float'),
  valueNanOrInfinity: err('ERR value is NaN or Infinity'),
  valueOutOfRange: err('ERR value is out of range'),
  /** getRangeLongFromObjectOrReply without a custom message. */
  valueOutOfRangeBetween: (min: bigint, max: bigint): Reply => err(`ERR value is out of range, value must between ${min} and ${max}`),
  // A negative HRANDFIELD count repeats fields without bound; redis-server would build the whole
  // reply in memory, pikiraft refuses counts past an explicit limit (commands/hash.ts).
  randomCountTooLarge: (max: number): Reply => err(`ERR count is too large, at most ${max} random elements per call`),
  // Sets (t_set.c); the numkeys and LIMIT texts are shared with ZINTERCARD.
  countNotPositive: err('ERR value is out of range, must be positive'),
  numkeysNotPositive: err('ERR numkeys should be greater than 0'),
  numkeysExceedArgs: err("ERR Number of keys can't be greater than number of args"),
  limitNegative: err("ERR LIMIT can't be negative"),
  // Lists (t_list.c); the count text is shared with ZMPOP.
  indexOutOfRange: err('ERR index out of range'),
  lposRankZero: err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"),
  lposCountNegative: err("ERR COUNT can't be negative"),
  lposMaxlenNegative: err("ERR MAXLEN can't be negative"),
  /** A COUNT below 1 in LMPOP and ZMPOP. */
  mpopCountNotPositive: err('ERR count should be greater than 0'),
  lcsNotStrings: err('ERR The specified keys must contain string values'),
  lcsLenAndIdx: err('ERR If you want both the length and indexes, please just use IDX.'),
  lcsStringTooLong: err('ERR String too long for LCS'),
  lcsTableTooBig: err('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len'),
  lcsAllocFailed: err('ERR Insufficient memory, failed allocating transient memory for LCS'),
  wrongType: err('WRONGTYPE Operation against a key holding the wrong kind of value'),
  noSuchKey: err('ERR no such key'),
  dbIndexOutOfRange: err('ERR DB index is out of range'),
  invalidDbIndex: err('ERR invalid DB index'),
  sameObject: err('ERR source and destination objects are the same'),
  offsetOutOfRange: err('ERR offset is out of range'),
  stringTooLong: err('ERR string exceeds maximum allowed size (proto-max-bulk-len)'),
  invalidExpireTime: (cmd: string): Reply => err(`ERR invalid expire time in '${cmd}' command`),
  wrongArity: (fullName: string): Reply => err(`ERR wrong number of arguments for '${fullName}' command`),
  unknownSubcommand: (sub: Buffer, container: string): Reply =>
    err(`ERR unknown subcommand '${clip(bytesToText(sub), 128)}'. Try ${container.toUpperCase()} HELP.`),
  gtAndLt: err('ERR GT and LT options at the same time are not compatible'),
  invalidCursor: err('ERR invalid cursor'),
  invalidFirstDb: err('ERR invalid first DB index'),
  invalidSecondDb: err('ERR invalid second DB index'),
  unsupportedOption: (opt: Buffer): Reply => err(`ERR Unsupported option ${bytesToText(opt)}`),
  nxWithOtherConditions: err('ERR NX and XX, GT or LT options at the same time are not compatible'),
  gtLtNx: err('ERR GT, LT, and/or NX options at the same time are not compatible'),
  timeoutNotFloat: err('ERR timeout is not a float or out of range'),
  timeoutNegative: err('ERR timeout is negative'),
  /** A blocked client released by CLIENT UNBLOCK id ERROR. */
  unblocked: err('UNBLOCKED client unblocked via CLIENT UNBLOCK'),
  unblockReason: err('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR'),
  noAuth: err('NOAUTH Authentication required.'),
  wrongPass: err('WRONGPASS invalid username-password pair or user is disabled.'),
  noPassSet: err(
    'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
  ),
  protoUnsupported: err('NOPROTO unsupported protocol version'),
  protocolVersionNotInteger: err('ERR Protocol version is not an integer or out of range'),
  noAuthHello: err('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time'),
  syntaxInOption: (opt: Buffer): Reply => err(`ERR Syntax error in HELLO option '${bytesToText(opt)}'`),
  /** A RESP2 client in subscribed mode (server.c processCommand). */
  onlyPubSubAllowed: (fullName: string): Reply =>
    err(`ERR Can't execute '${fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`),
  noSuchClient: err('ERR No such client'),
  clientIdNotPositive: err('ERR client-id should be greater than 0'),
  unknownClientType: (type: Buffer): Reply => err(`ERR Unknown client type '${bytesToText(type)}'`),
  badClientName: err('ERR Client names cannot contain spaces, newlines or special characters.'),
  clusterDown: err('CLUSTERDOWN no leader'),
  readonlyReplica: err("READONLY You can't write against a read only replica."),
  shuttingDown: err('ERR Errors trying to SHUTDOWN. Check logs.'),
  loading: err('LOADING Redis is loading the dataset in memory'),
  maxClients: err('ERR max number of clients reached'),
  // COMMAND GETKEYS / GETKEYSANDFLAGS (server.c getKeysSubcommandImpl)
  invalidCommandSpecified: err('ERR Invalid command specified'),
  commandHasNoKeys: err('ERR The command has no key arguments'),
  invalidGetkeysArity: err('ERR Invalid number of arguments specified for command'),
  invalidGetkeysArguments: err('ERR Invalid arguments specified for command'),
  // OBJECT FREQ without an LFU maxmemory-policy: pikiraft has no eviction, so always.
  lfuNotSelected: err(
    'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  ),
  // OBJECT IDLETIME: pikiraft records no access times (see keyspace.ts), in the style of Redis's
  // own "idle time not tracked" error under an LFU policy.
  idleTimeNotTracked: err('ERR Key access times are not recorded by pikiraft, idle time not tracked.'),
  /** DEBUG (debugCommand) and other commands that parse their own subcommands: addReplySubcommandSyntaxError. */
  subcommandSyntax: (sub: Buffer, command: string): Reply =>
    err(`ERR unknown subcommand or wrong number of arguments for '${clip(bytesToText(sub), 128)}'. Try ${command.toUpperCase()} HELP.`),
  unknownCommand: (name: Buffer, args: readonly Buffer[]): Reply => {
    let argsText = '';
    for (const arg of args) {
      if (argsText.length >= 128) break;
      argsText += `'${clip(bytesToText(arg), 128 - argsText.length)}' `;
    }
    return err(noNewlines(`ERR unknown command '${clip(bytesToText(name), 128)}', with args beginning with: ${argsText}`));
  },
  moved: (address: string): Reply => err(`MOVED 0 ${address}`),
  outcomeUnknown: (reason: string): Reply => err(`TIMEOUT outcome unknown: ${reason}`),
  nodeShuttingDown: err('CLUSTERDOWN this node is shutting down'),
  readNotConfirmed: err('TIMEOUT the leader did not confirm the read in time'),
  // Sorted sets (t_zset.c)
  zaddXxAndNx: err('ERR XX and NX options at the same time are not compatible'),
  zaddIncrSinglePair: err('ERR INCR option supports a single increment-element pair'),
  zscoreNaN: err('ERR resulting score is not a number (NaN)'),
  minMaxNotFloat: err('ERR min or max is not a float'),
  minMaxNotLex: err('ERR min or max not valid string range item'),
  limitNeedsByscoreOrBylex: err('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX'),
  withscoresWithBylex: err('ERR syntax error, WITHSCORES not supported in combination with BYLEX'),
  atLeastOneInputKey: (fullName: string): Reply => err(`ERR at least 1 input key is needed for '${fullName}' command`),
  weightNotFloat: err('ERR weight value is not a float'),
  // SORT (sort.c)
  sortScoresNotDouble: err("ERR One or more scores can't be converted into double"),
  invalidClientId: err('ERR Invalid client ID'),
  // Transactions (multi.c, server.c)
  multiNested: err('ERR MULTI calls can not be nested'),
  execWithoutMulti: err('ERR EXEC without MULTI'),
  discardWithoutMulti: err('ERR DISCARD without MULTI'),
  watchInsideMulti: err('ERR WATCH inside MULTI is not allowed'),
  execAbort: err('EXECABORT Transaction discarded because of previous errors.'),
  notAllowedInMulti: err('ERR Command not allowed inside a transaction'),
  // Bitmaps (bitops.c)
  bitOffset: err('ERR bit offset is not an integer or out of range'),
  bitValue: err('ERR bit is not an integer or out of range'),
  bitArgument: err('ERR The bit argument must be 1 or 0.'),
  bitopNotSingleKey: err('ERR BITOP NOT must be called with a single source key.'),
  bitfieldType: err('ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.'),
  bitfieldOverflow: err('ERR Invalid OVERFLOW type specified'),
  bitfieldRoGetOnly: err('ERR BITFIELD_RO only supports the GET subcommand'),
  // HyperLogLog (hyperloglog.c)
  hllNotValid: err('WRONGTYPE Key is not a valid HyperLogLog string value.'),
  hllCorrupt: err('INVALIDOBJ Corrupted HLL object detected'),
  pfdebugNoKey: err('ERR The specified key does not exist'),
  pfdebugNotSparse: err('ERR HLL encoding is not sparse'),
  /** Redis formats the subcommand with %s: it ends at the first NUL byte. */
  pfdebugUnknown: (sub: Buffer): Reply => {
    const nul = sub.indexOf(0);
    return err(noNewlines(`ERR Unknown PFDEBUG subcommand '${bytesToText(nul === -1 ? sub : sub.subarray(0, nul))}'`));
  },
  // Geo (geo.c); the coordinates come formatted with "%f".
  geoInvalidLonLat: (lon: string, lat: string): Reply => err(`ERR invalid longitude,latitude pair ${lon},${lat}`),
  geoUnsupportedUnit: err('ERR unsupported unit provided. please use M, KM, FT, MI'),
  geoNeedNumeric: (what: 'radius' | 'width' | 'height'): Reply => err(`ERR need numeric ${what}`),
  geoRadiusNegative: err('ERR radius cannot be negative'),
  geoBoxNegative: err('ERR height or width cannot be negative'),
  geoCouldNotDecodeMember: err('ERR could not decode requested zset member'),
  geoCountNotPositive: err('ERR COUNT must be > 0'),
  geoStoreWithOptions: (what: string): Reply => err(`ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`),
  geoExactlyOneFrom: (command: string): Reply => err(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${command}`),
  geoExactlyOneBy: (command: string): Reply => err(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${command}`),
  geoAnyRequiresCount: err('ERR the ANY argument requires COUNT argument'),
} as const;

function clip(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s;
}

/** Redis replaces CR/LF in error replies with spaces so the reply stays one line. */
export function noNewlines(s: string): string {
  return s.replace(/[\r\n]/g, ' ');
}

/** Streams (t_stream.c), in Redis 7.0.15's wording. */
export const XE = {
  invalidId: err('ERR Invalid stream ID specified as stream command argument'),
  xaddIdTooSmall: err('ERR The ID specified in XADD is equal or smaller than the target stream top item'),
  xaddIdZero: err('ERR The ID specified in XADD must be greater than 0-0'),
  idsExhausted: err('ERR The stream has exhausted the last possible ID, unable to add more items'),
  maxlenAndMinid: err('ERR syntax error, MAXLEN and MINID options at the same time are not compatible'),
  maxlenNegative: err('ERR The MAXLEN argument must be >= 0.'),
  limitNegative: err('ERR The LIMIT argument must be >= 0.'),
  limitWithoutStrategy: err('ERR syntax error, LIMIT cannot be used without specifying a trimming strategy'),
  xtrimWithoutStrategy: err('ERR syntax error, XTRIM must be called with a trimming strategy'),
  limitWithoutApprox: err('ERR syntax error, LIMIT cannot be used without the special ~ option'),
  invalidStartInterval: err('ERR invalid start ID for the interval'),
  invalidEndInterval: err('ERR invalid end ID for the interval'),
  xsetidSmallerThanTop: err('ERR The ID specified in XSETID is smaller than the target stream top item'),
  xsetidSmallerThanMaxDeleted: err('ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id'),
  xsetidEntriesAddedSmall: err('ERR The entries_added specified in XSETID is smaller than the target stream length'),
  entriesAddedNegative: err('ERR entries_added must be positive'),
  unbalancedStreams: (cmd: 'XREAD' | 'XREADGROUP'): Reply => err(`ERR Unbalanced ${cmd} list of streams: for each stream key an ID or '$' must be specified.`),
  groupOnlyXreadgroup: err('ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.'),
  noackOnlyXreadgroup: err('ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.'),
  missingGroup: err('ERR Missing GROUP option for XREADGROUP'),
  dollarInXreadgroup: err(
    'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
  ),
  gtOnlyXreadgroup: err('ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.'),
  blockTimeoutNotInteger: err('ERR timeout is not an integer or out of range'),
  noGroupRead: (key: Buffer, group: Buffer): Reply =>
    err(`NOGROUP No such key '${bytesToText(key)}' or consumer group '${bytesToText(group)}' in XREADGROUP with GROUP option`),
  noKeyOrGroup: (key: Buffer, group: Buffer): Reply => err(`NOGROUP No such key '${bytesToText(key)}' or consumer group '${bytesToText(group)}'`),
  noGroupForKey: (group: Buffer, key: Buffer): Reply => err(`NOGROUP No such consumer group '${bytesToText(group)}' for key name '${bytesToText(key)}'`),
  busyGroup: err('BUSYGROUP Consumer Group name already exists'),
  xgroupNeedsKey: err(
    'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
  ),
  entriesReadNegative: err('ERR value for ENTRIESREAD must be positive or -1'),
  xclaimMinIdle: err('ERR Invalid min-idle-time argument for XCLAIM'),
  xclaimIdle: err('ERR Invalid IDLE option argument for XCLAIM'),
  xclaimTime: err('ERR Invalid TIME option argument for XCLAIM'),
  xclaimRetryCount: err('ERR Invalid RETRYCOUNT option argument for XCLAIM'),
  xclaimUnknownOption: (opt: Buffer): Reply => err(`ERR Unrecognized XCLAIM option '${bytesToText(opt)}'`),
  xautoclaimMinIdle: err('ERR Invalid min-idle-time argument for XAUTOCLAIM'),
  xautoclaimCount: err('ERR COUNT must be > 0'),
  /** A blocked XREADGROUP whose stream was deleted. */
  blockedStreamDeleted: err('UNBLOCKED the stream key no longer exists'),
  /** A blocked XREADGROUP whose group was destroyed. */
  blockedGroupDestroyed: err('NOGROUP the consumer group this client was blocked on no longer exists'),
} as const;
