/**
 * Protocol-neutral replies. A handler returns one of these; encoders at the edges (REST JSON, RESP2/3)
 * decide the wire shape. Plain JS values carry the common cases so the hot path allocates nothing:
 *
 *   string        bulk string, as a byte string (see bytes.ts)
 *   number/bigint integer (bigint only outside the safe-integer range)
 *   null          nil bulk string
 *   Reply[]       array
 *
 * The rarer kinds are small classes so an encoder can tell them apart with `instanceof`.
 */
export type Reply =
  | string
  | number
  | bigint
  | null
  | Reply[]
  | SimpleString
  | ErrorReply
  | DoubleReply
  | MapReply
  | NilArray;

/** A status reply such as `+OK`. */
export class SimpleString {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
}

/**
 * An error reply. `message` carries Redis's prefix (`ERR`, `WRONGTYPE`, …). Handlers may `throw` one; the
 * dispatcher turns it into the command's reply. It is deliberately not an `Error`: no stack is captured.
 */
export class ErrorReply {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

/** A floating-point reply: a bulk string in RESP2 and JSON, a double in RESP3. */
export class DoubleReply {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

/** Key/value pairs, flat (`[k1, v1, k2, v2, …]`): a flat array in RESP2 and JSON, a map in RESP3. */
export class MapReply {
  readonly items: Reply[];
  constructor(items: Reply[]) {
    this.items = items;
  }
}

/** The nil array (`*-1` in RESP2), distinct from the nil bulk string. */
export class NilArray {
  static readonly instance = new NilArray();
  private constructor() {}
}

export const OK = new SimpleString('OK');
export const QUEUED = new SimpleString('QUEUED');
export const PONG = new SimpleString('PONG');
export const NIL_ARRAY = NilArray.instance;

export function isError(r: Reply): r is ErrorReply {
  return r instanceof ErrorReply;
}
