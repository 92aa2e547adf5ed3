/**
 * Every error reply the engine sends, with Redis's exact text. Handlers never spell out error text; tests
 * import the same constants. Formatters cover the messages that embed a name or a value.
 */
import { ErrorReply } from '../reply.ts';

const e = (message: string) => new ErrorReply(message);

export const WRONGTYPE = e('WRONGTYPE Operation against a key holding the wrong kind of value');
export const NOT_INTEGER = e('ERR value is not an integer or out of range');
export const NOT_FLOAT = e('ERR value is not a valid float');
export const SYNTAX = e('ERR syntax error');
export const NO_SUCH_KEY = e('ERR no such key');
export const OVERFLOW = e('ERR increment or decrement would overflow');
export const INCR_NAN_OR_INF = e('ERR increment would produce NaN or Infinity');
export const INDEX_OUT_OF_RANGE = e('ERR index out of range');
export const OFFSET_OUT_OF_RANGE = e('ERR offset is out of range');
export const STRING_TOO_LONG = e('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
export const INVALID_EXPIRE = (cmd: string) => e(`ERR invalid expire time in '${cmd}' command`);
export const XX_AND_NX = e('ERR XX and NX options at the same time are not compatible');
export const GT_LT_NX = e('ERR GT, LT, and/or NX options at the same time are not compatible');
export const NX_AND_XX_GT_LT = e('ERR NX and XX, GT or LT options at the same time are not compatible');
export const ZADD_INCR_PAIR = e('ERR INCR option supports a single increment-element pair');
export const MIN_MAX_NOT_FLOAT = e('ERR min or max is not a float');
export const MIN_MAX_NOT_LEX = e('ERR min or max not valid string range item');
export const SCORE_NAN = e('ERR resulting score is not a number (NaN)');
export const HASH_NOT_INTEGER = e('ERR hash value is not an integer');
export const HASH_NOT_FLOAT = e('ERR hash value is not a float');
export const NOT_POSITIVE = e('ERR value is out of range, must be positive');
export const COUNT_NOT_POSITIVE = e('ERR count should be greater than 0');
export const TIMEOUT_NOT_FLOAT = e('ERR timeout is not a float or out of range');
export const NUMKEYS_NOT_POSITIVE = e('ERR numkeys should be greater than 0');
export const NUMKEYS_TOO_LARGE = e("ERR Number of keys can't be greater than number of args");
export const SAME_OBJECT = e('ERR source and destination objects are the same');
export const WEIGHTS_NOT_FLOAT = e('ERR weight value is not a float');
export const LIMIT_NEGATIVE = e("ERR LIMIT can't be negative");
export const DB_INDEX_OUT_OF_RANGE = e('ERR DB index is out of range');
export const INVALID_CURSOR = e('ERR invalid cursor');

export const MULTI_NESTED = e('ERR MULTI calls can not be nested');
export const EXEC_WITHOUT_MULTI = e('ERR EXEC without MULTI');
export const DISCARD_WITHOUT_MULTI = e('ERR DISCARD without MULTI');
export const WATCH_IN_MULTI = e('ERR WATCH inside MULTI is not allowed');
export const EXECABORT = e('EXECABORT Transaction discarded because of previous errors.');
export const NOT_IN_MULTI = e('ERR Command not allowed inside a transaction');

export const arity = (name: string) => e(`ERR wrong number of arguments for '${name}' command`);

/** C's `%s` stops at a NUL byte; Redis prints argv through it in these messages. */
const cstr = (s: string) => {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
};

/** Redis keeps an error on one line: CR and LF from user input become spaces. */
const oneLine = (s: string) => s.replace(/[\r\n]/g, ' ');

/** Redis's text for an unknown command: the name and up to 128 characters of its arguments, each quoted. */
export function unknownCommand(name: string, args: readonly string[]): ErrorReply {
  let shown = '';
  for (const a of args) {
    if (shown.length >= 128) break;
    shown += `'${cstr(a.slice(0, 128 - shown.length))}' `;
  }
  return e(oneLine(`ERR unknown command '${cstr(name).slice(0, 128)}', with args beginning with: ${shown}`));
}

export const unknownSubcommand = (sub: string, container: string) =>
  e(oneLine(`ERR unknown subcommand '${cstr(sub).slice(0, 128)}'. Try ${container.toUpperCase()} HELP.`));

/** EXEC itself refused (wrong arity, no permission): Redis discards the transaction and says why. */
export const execAbortBecause = (reason: ErrorReply) =>
  e(
    `EXECABORT Transaction discarded because of: ${reason.message.startsWith('ERR ') ? reason.message.slice(4) : reason.message}`,
  );

/** Upstash's wording for a command a read-only token may not run. */
export const noPermission = (name: string) =>
  e(`NOPERM this user has no permissions to run the '${name}' command or its subcommand`);

// Set commands
/** Redis's range error from `getRangeLongFromObjectOrReply` (SRANDMEMBER's count), "must between" and all. */
export const valueNotBetween = (min: string, max: string) =>
  e(`ERR value is out of range, value must between ${min} and ${max}`);

// Hash and list commands
export const VALUE_NAN_OR_INF = e('ERR value is NaN or Infinity');
/** HRANDFIELD … WITHVALUES with a count past ±LONG_MAX/2 (the reply would hold twice as many items). */
export const VALUE_OUT_OF_RANGE = e('ERR value is out of range');
export const LPOS_RANK_ZERO = e(
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
);
export const LPOS_COUNT_NEGATIVE = e("ERR COUNT can't be negative");
export const LPOS_MAXLEN_NEGATIVE = e("ERR MAXLEN can't be negative");

// Sorted-set commands
export const LIMIT_WITHOUT_BY = e(
  'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
);
export const WITHSCORES_WITH_BYLEX = e('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
/** ZUNION, ZINTER, ZDIFF (and their STORE forms), ZINTERCARD with numkeys below 1. */
export const atLeastOneKey = (name: string) => e(`ERR at least 1 input key is needed for '${name}' command`);

// String and generic (keyspace) commands
export const DECREMENT_OVERFLOW = e('ERR decrement would overflow');
export const LCS_NOT_STRINGS = e('ERR The specified keys must contain string values');
export const LCS_LEN_AND_IDX = e('ERR If you want both the length and indexes, please just use IDX.');
/** LCS whose table would not fit in memory (Redis's failed transient allocation). */
export const LCS_NO_MEMORY = e('ERR Insufficient memory, failed allocating transient memory for LCS');
export const GT_AND_LT = e('ERR GT and LT options at the same time are not compatible');
export const unsupportedOption = (option: string) => e(oneLine(`ERR Unsupported option ${cstr(option)}`));

// Scripting and functions
export const NOSCRIPT = e('NOSCRIPT No matching script. Please use EVAL.');
export const NUMKEYS_NEGATIVE = e("ERR Number of keys can't be negative");
export const BAD_NUMKEYS = e('ERR Bad number of keys provided');
export const SCRIPT_UNKNOWN_COMMAND = e('ERR Unknown Redis command called from script');
export const SCRIPT_WRONG_ARGS = e('ERR Wrong number of args calling Redis command from script');
export const SCRIPT_NOT_ALLOWED = e('ERR This Redis command is not allowed from script');
export const SCRIPT_WRITE_IN_READONLY = e('ERR Write commands are not allowed from read-only scripts.');
export const SCRIPT_WRITE_FLAG_IN_RO = e('ERR Can not execute a script with write flag using *_ro command.');
export const SCRIPT_NO_ARGS = e('ERR Please specify at least one argument for this redis lib call');
export const SCRIPT_BAD_ARG = e('ERR Lua redis lib command arguments must be strings or integers');
export const ACL_CHECK_UNKNOWN = e('ERR Invalid command passed to redis.acl_check_cmd()');
export const NOTBUSY = e('NOTBUSY No scripts in execution right now.');
export const SCRIPT_FLUSH_OPTION = e('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
export const FUNCTION_FLUSH_OPTION = e('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
export const FUNCTION_NOT_FOUND = e('ERR Function not found');
export const LIBRARY_NOT_FOUND = e('ERR Library not found');
export const LIBRARY_NAME_MISSING = e('ERR library name argument was not given');
export const RESTORE_BAD_PAYLOAD = e('ERR DUMP payload version or checksum are wrong');
export const RESTORE_BAD_POLICY = e('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
export const SCRIPTING_UNAVAILABLE = e('ERR scripting is not available on this engine');
export const unknownArgument = (arg: string) => e(oneLine(`ERR Unknown argument ${cstr(arg)}`));

// Persistence
export const PERSISTENCE_OFF = e('ERR persistence is off: this server keeps its data in memory only');
export const BGSAVE_IN_PROGRESS = e('ERR Background save already in progress');
export const BGREWRITE_IN_PROGRESS = e('ERR Background append only file rewriting already in progress');

// CONFIG
export const CONFIG_NO_FILE = e('ERR The server is running without a config file');
/** Reasons CONFIG SET gives after "- " (configSetFailed). */
export const CONFIG_IMMUTABLE = "can't set immutable config";
export const CONFIG_NOTIFY_CLASS = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
export const CONFIG_DUPLICATE = 'duplicate parameter';
export const configUnknownOption = (name: string) =>
  e(oneLine(`ERR Unknown option or number of arguments for CONFIG SET - '${cstr(name)}'`));
/** A parameter refused: `reason` is the setter's own text; an empty one leaves out the " - ". */
export const configSetFailed = (name: string, reason: string) =>
  e(
    oneLine(
      `ERR CONFIG SET failed (possibly related to argument '${cstr(name)}')${reason === '' ? '' : ` - ${reason}`}`,
    ),
  );

// COMMAND GETKEYS / GETKEYSANDFLAGS
export const COMMAND_GETKEYS_INVALID = e('ERR Invalid command specified');
export const COMMAND_GETKEYS_ARITY = e('ERR Invalid number of arguments specified for command');
export const COMMAND_GETKEYS_NO_KEYS = e('ERR The command has no key arguments');

// CONFIG SET reasons for the engine's tunables (commands/config-params.ts), as Redis 7's config.c words them
export const CONFIG_NOT_INTEGER = "argument couldn't be parsed into an integer";
export const configNotBetween = (min: string, max: string) => `argument must be between ${min} and ${max} inclusive`;
export const CONFIG_NOT_MEMORY = 'argument must be a memory value';
export const CONFIG_NOT_BOOL = "argument must be 'yes' or 'no'";
export const configOneOf = (options: readonly string[]) =>
  `argument(s) must be one of the following: ${options.join(', ')}`;
export const CONFIG_BAD_SAVE = 'Invalid save parameters';
export const CONFIG_COBL_ARGS = 'Wrong number of arguments in buffer limit configuration.';
export const CONFIG_COBL_CLASS = 'Invalid client class specified in buffer limit configuration.';
export const CONFIG_COBL_VALUE = 'Error in hard, soft or soft_seconds setting in buffer limit configuration.';

// Scripting: compile, load and shebang texts
export const LUA_STACK_LIMIT = e('ERR reached lua stack limit');
export const FUNCTION_LOAD_TIMEOUT = e('ERR FUNCTION LOAD timeout');
export const NO_FUNCTIONS_REGISTERED = e('ERR No functions registered');
export const INVALID_SCRIPT_SHEBANG = e('ERR Invalid script shebang');
export const INVALID_SHEBANG_ENGINE = e('ERR Invalid engine in script shebang');
export const MISSING_LIBRARY_METADATA = e('ERR Missing library metadata');
export const INVALID_LIBRARY_METADATA = e('ERR Invalid library metadata');
export const LIBRARY_NAME_TWICE = e('ERR Invalid metadata value, name argument was given multiple times');
export const LIBRARY_NAME_NOT_GIVEN = e('ERR Library name was not given');
export const BAD_LIBRARY_NAME = e(
  'ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long',
);
export const scriptTimedOut = (limitMs: number, name: string) =>
  e(`ERR Script killed after running longer than the script time limit (${limitMs} ms) script: ${name}`);
export const scriptOutOfMemory = (name: string) => e(`ERR Error running script (call to ${name}): not enough memory`);
export const scriptRunError = (name: string, what: string) => e(`ERR Error running script (call to ${name}): @${what}`);
/** An error raised by a script, with where it was raised (Redis 7's luaCallFunction). */
export const scriptErrorAt = (text: string, name: string, source: string, line: string) =>
  e(`${text} script: ${name}, on ${source}:${line}.`);
export const scriptCompileError = (why: string) => e(`ERR Error compiling script (new function): ${why}`);
export const functionCompileError = (why: string) => e(`ERR Error compiling function: ${why}`);
export const functionRegisterError = (why: string) => e(`ERR Error registering functions: ${why}`);
export const libraryExists = (name: string) => e(`ERR Library '${name}' already exists`);
/** FUNCTION RESTORE APPEND onto an existing library: Redis words it without quotes. */
export const libraryExistsOnRestore = (name: string) => e(`ERR Library ${name} already exists`);
export const functionExists = (name: string) => e(`ERR Function ${name} already exists`);
export const unexpectedShebangEngine = (engine: string) => e(`ERR Unexpected engine in script shebang: ${engine}`);
export const unknownShebangOption = (option: string) => e(`ERR Unknown lua shebang option: ${option}`);
export const unexpectedShebangFlag = (flag: string) => e(`ERR Unexpected flag in script shebang: ${flag}`);
export const engineNotFound = (engine: string) => e(`ERR Engine '${engine}' not found`);
export const invalidMetadataValue = (part: string) => e(`ERR Invalid metadata value given: ${part}`);
export const unknownOptionGiven = (option: string) => e(oneLine(`ERR Unknown option given: ${cstr(option)}`));
/** Subcommand arity and option errors that Redis words as a failed lookup (FUNCTION FLUSH/RESTORE). */
export const subcommandSyntax = (sub: string, container: string) =>
  e(
    oneLine(
      `ERR unknown subcommand or wrong number of arguments for '${cstr(sub)}'. Try ${container.toUpperCase()} HELP.`,
    ),
  );
// Bitmap: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD
export const BIT_OFFSET = e('ERR bit offset is not an integer or out of range');
export const BIT_VALUE = e('ERR bit is not an integer or out of range');
export const BITPOS_BIT = e('ERR The bit argument must be 1 or 0.');
export const BITOP_NOT_ONE_KEY = e('ERR BITOP NOT must be called with a single source key.');
export const bitopTwoKeys = (op: string) => e(`ERR BITOP ${op} must be called with at least two source keys.`);
export const BITFIELD_TYPE = e(
  'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
);
export const BITFIELD_OVERFLOW = e('ERR Invalid OVERFLOW type specified');
export const BITFIELD_RO_GET_ONLY = e('ERR BITFIELD_RO only supports the GET subcommand');

// HyperLogLog
export const NOT_HLL = e('WRONGTYPE Key is not a valid HyperLogLog string value.');
export const CORRUPT_HLL = e('INVALIDOBJ Corrupted HLL object detected');

// Geo
export const geoInvalidPair = (lon: string, lat: string) => e(`ERR invalid longitude,latitude pair ${lon},${lat}`);
export const GEO_UNIT = e('ERR unsupported unit provided. please use M, KM, FT, MI');
export const GEO_NEED_RADIUS = e('ERR need numeric radius');
export const GEO_NEGATIVE_RADIUS = e('ERR radius cannot be negative');
export const GEO_NEED_WIDTH = e('ERR need numeric width');
export const GEO_NEED_HEIGHT = e('ERR need numeric height');
export const GEO_NEGATIVE_BOX = e('ERR height or width cannot be negative');
export const GEO_MEMBER_UNDECODABLE = e('ERR could not decode requested zset member');
export const GEO_COUNT_POSITIVE = e('ERR COUNT must be > 0');
export const GEO_ANY_NEEDS_COUNT = e('ERR the ANY argument requires COUNT argument');
export const geoStoreIncompatible = (what: string) =>
  e(`ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
export const geoNeedFrom = (name: string) =>
  e(oneLine(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${cstr(name)}`));
export const geoNeedBy = (name: string) =>
  e(oneLine(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${cstr(name)}`));

// SORT, OBJECT, WAIT/WAITAOF, SELECT/SWAPDB
export const SORT_SCORE = e("ERR One or more scores can't be converted into double");
export const NO_LFU = e(
  'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
);
export const NO_LRU = e(
  'ERR An LRU maxmemory policy is not selected, access time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
);
export const TIMEOUT_NOT_INTEGER = e('ERR timeout is not an integer or out of range');
export const TIMEOUT_NEGATIVE = e('ERR timeout is negative');
export const WAITAOF_NO_AOF = e('ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.');
export const DB_INVALID_FIRST = e('ERR invalid first DB index');
export const DB_INVALID_SECOND = e('ERR invalid second DB index');
export const DB_OUT_OF_RANGE = e('ERR DB index is out of range');

// DUMP/RESTORE
export const BUSYKEY = e('BUSYKEY Target key name already exists.');
export const RESTORE_BAD_TTL = e('ERR Invalid TTL value, must be >= 0');
export const RESTORE_BAD_IDLETIME = e('ERR Invalid IDLETIME value, must be >= 0');
export const RESTORE_BAD_FREQ = e('ERR Invalid FREQ value, must be >= 0 and <= 255');
export const BAD_DATA_FORMAT = e('ERR Bad data format');

// CLIENT SETINFO (networking.c's clientSetinfoCommand): `attr` is printed as the caller wrote it
export const clientSetinfoUnknown = (attr: string) => e(`ERR Unrecognized option '${oneLine(cstr(attr))}'`);
export const clientSetinfoBadValue = (attr: string) =>
  e(`ERR ${oneLine(cstr(attr))} cannot contain spaces, newlines or special characters.`);

// Hash field expiration: HEXPIRE family, HTTL family, HPERSIST, HGETDEL, HGETEX, HSETEX (Redis 7.4/8.0)
export const HFE_NUMFIELDS_NOT_POSITIVE = e('ERR Parameter `numFields` should be greater than 0');
export const HFE_FIELDS_NOT_POSITIVE = e('ERR Number of fields must be a positive integer');
export const HFE_NUMFIELDS_MISMATCH = e('ERR The `numfields` parameter must match the number of arguments');
export const HFE_FIELDS_MISSING = e('ERR Mandatory argument FIELDS is missing or not at the right position');
export const HFE_EXPIRE_NEGATIVE = e('ERR invalid expire time, must be >= 0');
export const HSETEX_BAD_NUMFIELDS = e('ERR invalid number of fields');
export const HSETEX_MISSING_EXPIRE = e('ERR missing expire time');
export const HSETEX_FNX_FXX = e('ERR Only one of FXX or FNX arguments can be specified');
export const HSETEX_ONE_EXPIRY = e('ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified');
export const hfeUnknownArgument = (arg: string) => e(oneLine(`ERR unknown argument: ${arg}`));

// RedisJSON (JSON.*), from its sources. serde_json's parse errors and a few others reach the client with
// no ERR prefix (RedisJSON replies with them as they are); the rest carry ERR or WRONGTYPE.
export const jsonParse = (msg: string, text: string, at: number) => {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return e(`${msg} at line ${line} column ${at - lineStart}`);
};
export const JSON_NEW_AT_ROOT = e('ERR new objects must be created at the root');
export const jsonPathMissing = (path: string) => e(oneLine(`ERR Path '${path}' does not exist`));
export const JSON_PATH_MISSING = e('ERR Path does not exist');
export const jsonPathMissingOr = (what: string) => e(`ERR Path does not exist or ${what}`);
export const jsonExpected = (expected: string, found: string) =>
  e(oneLine(`WRONGTYPE wrong type of path value - expected ${expected} but found ${found}`));
export const JSON_NO_KEY = e("ERR could not perform this operation on a key that doesn't exist");
export const JSON_INDEX_BOUNDS = e('ERR index out of bounds');
export const JSON_ARRAY_INDEX_RANGE = e('ERR array index out of range');
export const JSON_WRONG_STATIC_PATH = e('Err wrong static path');
export const JSON_RESULT_NAN = e('result is not a number');
export const JSON_BAD_NUMBER = e('bad input number');
export const jsonPathSyntax = (pos: number, msg: string) => e(oneLine(`Error occurred on position ${pos}, ${msg}`));
export const JSON_FORMAT_RESP2 = e('ERR FORMAT argument is not supported on RESP2');
export const JSON_WRONG_FORMAT = e('ERR wrong format');
export const JSON_DEBUG_UNKNOWN = e('ERR unknown subcommand - try `JSON.DEBUG HELP`');

// Streams
export const STREAM_BAD_ID = e('ERR Invalid stream ID specified as stream command argument');
export const XADD_ID_TOO_SMALL = e('ERR The ID specified in XADD is equal or smaller than the target stream top item');
export const XADD_ID_ZERO = e('ERR The ID specified in XADD must be greater than 0-0');
export const STREAM_EXHAUSTED = e('ERR The stream has exhausted the last possible ID, unable to add more items');
export const STREAM_MAXLEN_NEGATIVE = e('ERR The MAXLEN argument must be >= 0.');
export const STREAM_LIMIT_NEGATIVE = e('ERR The LIMIT argument must be >= 0.');
export const MAXLEN_AND_MINID = e('ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
export const LIMIT_WITHOUT_STRATEGY = e(
  'ERR syntax error, LIMIT cannot be used without specifying a trimming strategy',
);
export const XTRIM_NO_STRATEGY = e('ERR syntax error, XTRIM must be called with a trimming strategy');
export const LIMIT_WITHOUT_APPROX = e('ERR syntax error, LIMIT cannot be used without the special ~ option');
export const INTERVAL_START = e('ERR invalid start ID for the interval');
export const INTERVAL_END = e('ERR invalid end ID for the interval');
export const XREAD_UNBALANCED = e(
  "ERR Unbalanced 'xread' list of streams: for each stream key an ID, '+', or '$' must be specified.",
);
export const XREADGROUP_UNBALANCED = e(
  "ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must be specified.",
);
export const XREAD_GROUP_OPTION = e('ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
export const XREAD_NOACK_OPTION = e('ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
export const XREADGROUP_NO_GROUP = e('ERR Missing GROUP option for XREADGROUP');
export const XREADGROUP_DOLLAR = e(
  'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
);
export const XREAD_GT = e(
  'ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.',
);
export const noGroupForRead = (key: string, group: string) =>
  e(oneLine(`NOGROUP No such key '${cstr(key)}' or consumer group '${cstr(group)}' in XREADGROUP with GROUP option`));
export const noKeyOrGroup = (key: string, group: string) =>
  e(oneLine(`NOGROUP No such key '${cstr(key)}' or consumer group '${cstr(group)}'`));
export const noSuchGroup = (group: string, key: string) =>
  e(oneLine(`NOGROUP No such consumer group '${cstr(group)}' for key name '${cstr(key)}'`));
export const BUSYGROUP = e('BUSYGROUP Consumer Group name already exists');
export const XGROUP_NEEDS_KEY = e(
  'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
);
export const ENTRIESREAD_RANGE = e('ERR value for ENTRIESREAD must be positive or -1');
export const XCLAIM_MIN_IDLE = e('ERR Invalid min-idle-time argument for XCLAIM');
export const XAUTOCLAIM_MIN_IDLE = e('ERR Invalid min-idle-time argument for XAUTOCLAIM');
export const xclaimBadOption = (option: string) => e(`ERR Invalid ${option} option argument for XCLAIM`);
export const xclaimUnknownOption = (option: string) => e(oneLine(`ERR Unrecognized XCLAIM option '${cstr(option)}'`));
export const XAUTOCLAIM_COUNT = e('ERR COUNT must be > 0');
export const XSETID_ENTRIES_NEGATIVE = e('ERR entries_added must be positive');
export const XSETID_BELOW_GIVEN_MAXDELETED = e(
  'ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id',
);
export const XSETID_BELOW_MAXDELETED = e('ERR The ID specified in XSETID is smaller than current max_deleted_entry_id');
export const XSETID_BELOW_TOP = e('ERR The ID specified in XSETID is smaller than the target stream top item');
export const XSETID_ENTRIES_BELOW_LENGTH = e(
  'ERR The entries_added specified in XSETID is smaller than the target stream length',
);
export const NUMIDS_NOT_POSITIVE = e('ERR Number of IDs must be a positive integer');
export const NUMIDS_MISMATCH = e('ERR The `numids` parameter must match the number of arguments');
