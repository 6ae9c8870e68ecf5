// Protocol-neutral reply values. Commands build these; the encoder renders them as RESP2 or RESP3,
// so no command needs to know which protocol its client speaks.

export type Reply =
  | { readonly t: 'simple'; readonly s: string }
  | { readonly t: 'error'; readonly s: string }
  | { readonly t: 'int'; readonly n: number | bigint }
  | { readonly t: 'bulk'; readonly b: Buffer | string }
  /** Absent single value: RESP2 `$-1`, RESP3 `_`. */
  | { readonly t: 'null' }
  /** Absent aggregate: RESP2 `*-1`, RESP3 `_`. */
  | { readonly t: 'nullArray' }
  | { readonly t: 'array'; readonly items: readonly Reply[] }
  /** RESP3 map; RESP2 flattens it into an array of alternating keys and values. */
  | { readonly t: 'map'; readonly entries: readonly (readonly [Reply, Reply])[] }
  /** RESP3 array of 2-element arrays; RESP2 one flat array (HRANDFIELD WITHVALUES, ZRANGE WITHSCORES). */
  | { readonly t: 'pairs'; readonly entries: readonly (readonly [Reply, Reply])[] }
  /** RESP3 map; RESP2 an array of [key, value] arrays (XREAD, XREADGROUP). */
  | { readonly t: 'mapOfPairs'; readonly entries: readonly (readonly [Reply, Reply])[] }
  /** RESP3 set; RESP2 array. */
  | { readonly t: 'set'; readonly items: readonly Reply[] }
  /** RESP3 double; RESP2 bulk string with Redis's `%.17g` formatting. */
  | { readonly t: 'double'; readonly n: number }
  /** RESP3 double, RESP2 bulk string, both with this text (addReplyHumanLongDouble: GEOPOS). */
  | { readonly t: 'doubleText'; readonly s: string }
  /** RESP3 boolean; RESP2 integer 1/0. */
  | { readonly t: 'bool'; readonly v: boolean }
  /** RESP3 verbatim string (`txt`); RESP2 bulk string. */
  | { readonly t: 'verbatim'; readonly s: string }
  /** RESP3 push (pub/sub); RESP2 array. */
  | { readonly t: 'push'; readonly items: readonly Reply[] }
  /** Nothing is written (CLIENT REPLY OFF/SKIP, QUIT after close). */
  | { readonly t: 'none' };

export const OK: Reply = { t: 'simple', s: 'OK' };
export const PONG: Reply = { t: 'simple', s: 'PONG' };
export const QUEUED: Reply = { t: 'simple', s: 'QUEUED' };
export const NULL: Reply = { t: 'null' };
export const NULL_ARRAY: Reply = { t: 'nullArray' };
export const NONE: Reply = { t: 'none' };
export const ZERO: Reply = { t: 'int', n: 0 };
export const ONE: Reply = { t: 'int', n: 1 };
export const EMPTY_ARRAY: Reply = { t: 'array', items: [] };

export const simple = (s: string): Reply => ({ t: 'simple', s });
export const err = (s: string): Reply => ({ t: 'error', s });
export const int = (n: number | bigint): Reply => ({ t: 'int', n });
export const bulk = (b: Buffer | string): Reply => ({ t: 'bulk', b });
export const bulkOrNull = (b: Buffer | string | null | undefined): Reply => (b == null ? NULL : { t: 'bulk', b });
export const array = (items: readonly Reply[]): Reply => ({ t: 'array', items });
export const bulks = (items: readonly (Buffer | string | null)[]): Reply => ({ t: 'array', items: items.map(bulkOrNull) });
export const pairs = (entries: readonly (readonly [Reply, Reply])[]): Reply => ({ t: 'pairs', entries });
export const mapOfPairs = (entries: readonly (readonly [Reply, Reply])[]): Reply => ({ t: 'mapOfPairs', entries });
export const map = (entries: readonly (readonly [Reply, Reply])[]): Reply => ({ t: 'map', entries });
export const double = (n: number): Reply => ({ t: 'double', n });
export const doubleText = (s: string): Reply => ({ t: 'doubleText', s });
export const bool = (v: boolean): Reply => ({ t: 'bool', v });
export const verbatim = (s: string): Reply => ({ t: 'verbatim', s });

export function isError(reply: Reply): reply is { t: 'error'; s: string } {
  return reply.t === 'error';
}
