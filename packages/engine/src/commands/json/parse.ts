/**
 * JSON text → JsonValue, with serde_json's rules and error messages (RedisJSON parses with serde_json and
 * replies with its error text as is, e.g. "expected value at line 1 column 1"). JSON.parse cannot be used:
 * it forgets whether a number was written as an integer or a float, and rounds integers past 2^53.
 *
 * The input is a byte string (one char per UTF-8 byte), so positions are byte offsets as serde counts them;
 * string contents are decoded from UTF-8 when a string ends.
 */
import { toUtf8 } from '../../bytes.ts';
import * as E from '../../command/errors.ts';
import { JFloat, type JsonValue, newObject } from '../../types/json.ts';

/** serde_json's default nesting limit. */
const MAX_DEPTH = 128;
const U64_MAX = 2n ** 64n - 1n;
const I64_MIN = -(2n ** 63n);

class Parser {
  private i = 0;
  private depth = 0;
  private readonly s: string;
  constructor(s: string) {
    this.s = s;
  }

  /** An error at the current index (serde's `error`). */
  private fail(msg: string): never {
    throw E.jsonParse(msg, this.s, this.i);
  }

  /** An error at the next byte (serde's `peek_error`). */
  private failPeek(msg: string): never {
    throw E.jsonParse(msg, this.s, Math.min(this.s.length, this.i + 1));
  }

  private ws(): number {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x09 && c !== 0x0d) return c;
      this.i++;
    }
    return -1;
  }

  parseDocument(): JsonValue {
    const v = this.value();
    if (this.ws() !== -1) this.failPeek('trailing characters');
    return v;
  }

  private value(): JsonValue {
    const c = this.ws();
    switch (c) {
      case -1:
        return this.failPeek('EOF while parsing a value');
      case 0x22:
        this.i++;
        return this.string();
      case 0x5b:
        return this.array();
      case 0x7b:
        return this.object();
      case 0x74:
        return this.ident('true', true);
      case 0x66:
        return this.ident('false', false);
      case 0x6e:
        return this.ident('null', null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        return this.failPeek('expected value');
    }
  }

  private ident<T extends JsonValue>(word: string, v: T): T {
    this.i++;
    for (let k = 1; k < word.length; k++) {
      if (this.i >= this.s.length) this.fail('EOF while parsing a value');
      const c = this.s.charCodeAt(this.i++);
      if (c !== word.charCodeAt(k)) this.fail('expected ident');
    }
    return v;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail('recursion limit exceeded');
    this.i++;
  }

  private array(): JsonValue[] {
    this.enter();
    const out: JsonValue[] = [];
    if (this.ws() === 0x5d) {
      this.i++;
      this.depth--;
      return out;
    }
    for (;;) {
      out.push(this.value());
      const c = this.ws();
      if (c === 0x5d) break;
      if (c === -1) this.failPeek('EOF while parsing a list');
      if (c !== 0x2c) this.failPeek('expected `,` or `]`');
      this.i++;
      const next = this.ws();
      if (next === 0x5d) this.failPeek('trailing comma');
      if (next === -1) this.failPeek('EOF while parsing a value');
    }
    this.i++;
    this.depth--;
    return out;
  }

  private object(): JsonValue {
    this.enter();
    const out = newObject();
    let c = this.ws();
    if (c === 0x7d) {
      this.i++;
      this.depth--;
      return out;
    }
    for (;;) {
      if (c === -1) this.failPeek('EOF while parsing an object');
      if (c !== 0x22) this.failPeek('key must be a string');
      this.i++;
      const key = this.string();
      const colon = this.ws();
      if (colon === -1) this.failPeek('EOF while parsing an object');
      if (colon !== 0x3a) this.failPeek('expected `:`');
      this.i++;
      out[key] = this.value();
      const sep = this.ws();
      if (sep === 0x7d) break;
      if (sep === -1) this.failPeek('EOF while parsing an object');
      if (sep !== 0x2c) this.failPeek('expected `,` or `}`');
      this.i++;
      c = this.ws();
      if (c === 0x7d) this.failPeek('trailing comma');
      if (c === -1) this.failPeek('EOF while parsing a value');
    }
    this.i++;
    this.depth--;
    return out;
  }

  /** After the opening quote. Raw runs are sliced and decoded from UTF-8; escapes add code units. */
  private string(): string {
    const s = this.s;
    let out = '';
    let start = this.i;
    for (;;) {
      if (this.i >= s.length) this.fail('EOF while parsing a string');
      const c = s.charCodeAt(this.i++);
      if (c === 0x22) return out + toUtf8(s.slice(start, this.i - 1));
      if (c < 0x20) this.fail('control character (\\u0000-\\u001F) found while parsing a string');
      if (c !== 0x5c) continue;
      out += toUtf8(s.slice(start, this.i - 1));
      if (this.i >= s.length) this.fail('EOF while parsing a string');
      const esc = s.charCodeAt(this.i++);
      switch (esc) {
        case 0x22:
          out += '"';
          break;
        case 0x5c:
          out += '\\';
          break;
        case 0x2f:
          out += '/';
          break;
        case 0x62:
          out += '\b';
          break;
        case 0x66:
          out += '\f';
          break;
        case 0x6e:
          out += '\n';
          break;
        case 0x72:
          out += '\r';
          break;
        case 0x74:
          out += '\t';
          break;
        case 0x75:
          out += this.unicodeEscape();
          break;
        default:
          this.fail('invalid escape');
      }
      start = this.i;
    }
  }

  private hex4(): number {
    if (this.i + 4 > this.s.length) {
      this.i = this.s.length;
      this.fail('EOF while parsing a string');
    }
    let n = 0;
    for (let k = 0; k < 4; k++) {
      const c = this.s.charCodeAt(this.i++);
      const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 ? (c | 0x20) - 0x57 : -1;
      if (d < 0) this.fail('invalid escape');
      n = n * 16 + d;
    }
    return n;
  }

  private unicodeEscape(): string {
    const hi = this.hex4();
    if (hi < 0xd800 || hi > 0xdfff) return String.fromCharCode(hi);
    if (hi >= 0xdc00) this.fail('lone leading surrogate in hex escape');
    for (const want of [0x5c, 0x75]) {
      if (this.i >= this.s.length) this.fail('EOF while parsing a string');
      if (this.s.charCodeAt(this.i++) !== want) this.fail('unexpected end of hex escape');
    }
    const lo = this.hex4();
    if (lo < 0xdc00 || lo > 0xdfff) this.fail('lone leading surrogate in hex escape');
    return String.fromCharCode(hi, lo);
  }

  private digit(at: number): boolean {
    const c = this.s.charCodeAt(at);
    return c >= 0x30 && c <= 0x39;
  }

  private number(): JsonValue {
    const s = this.s;
    const start = this.i;
    if (s.charCodeAt(this.i) === 0x2d) this.i++;
    if (this.i >= s.length) this.fail('invalid number');
    const first = s.charCodeAt(this.i++);
    if (first === 0x30) {
      if (this.digit(this.i)) this.failPeek('invalid number');
    } else if (first < 0x31 || first > 0x39) this.fail('invalid number');
    while (this.digit(this.i)) this.i++;
    let float = false;
    if (s.charCodeAt(this.i) === 0x2e) {
      float = true;
      this.i++;
      if (this.i >= s.length) this.fail('EOF while parsing a value');
      if (!this.digit(this.i)) this.failPeek('invalid number');
      while (this.digit(this.i)) this.i++;
    }
    const e = s.charCodeAt(this.i);
    if (e === 0x65 || e === 0x45) {
      float = true;
      this.i++;
      const sign = s.charCodeAt(this.i);
      if (sign === 0x2b || sign === 0x2d) this.i++;
      if (this.i >= s.length) this.fail('EOF while parsing a value');
      if (!this.digit(this.i)) this.failPeek('invalid number');
      while (this.digit(this.i)) this.i++;
    }
    const text = s.slice(start, this.i);
    if (!float) {
      if (text.length <= 15) return Number(text);
      const big = BigInt(text);
      // Past u64 (or below i64) serde_json falls back to a float, as it does here.
      if (big <= U64_MAX && big >= I64_MIN) return Number.isSafeInteger(Number(big)) ? Number(big) : big;
    }
    const n = Number(text);
    if (!Number.isFinite(n)) this.fail('number out of range');
    return Number.isInteger(n) ? new JFloat(n) : n;
  }
}

/** Parses one JSON document from a byte string; throws serde_json's error as an ErrorReply. */
export function parseJson(text: string): JsonValue {
  return new Parser(text).parseDocument();
}
