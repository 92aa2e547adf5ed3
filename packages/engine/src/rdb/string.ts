/**
 * RDB's length and string encodings (rdb.c): what DUMP payloads are made of. Writing always uses the plain
 * form; reading also accepts the integer and LZF-compressed forms Redis may produce.
 */
import { lzfDecompress } from './lzf.ts';

const byte = (n: number) => String.fromCharCode(n & 0xff);

export function writeLength(n: number): string {
  if (n < 64) return byte(n);
  if (n < 16384) return byte(0x40 | (n >> 8)) + byte(n);
  if (n <= 0xffffffff) return byte(0x80) + byte(n >>> 24) + byte(n >>> 16) + byte(n >>> 8) + byte(n);
  const hi = Math.floor(n / 0x100000000);
  const lo = n >>> 0;
  return (
    byte(0x81) +
    byte(hi >>> 24) +
    byte(hi >>> 16) +
    byte(hi >>> 8) +
    byte(hi) +
    byte(lo >>> 24) +
    byte(lo >>> 16) +
    byte(lo >>> 8) +
    byte(lo)
  );
}

export function writeString(s: string): string {
  return writeLength(s.length) + s;
}

/** A cursor over a payload; every read returns null when the bytes run out or are malformed. */
export class RdbReader {
  private readonly data: string;
  pos = 0;
  constructor(data: string, start = 0) {
    this.data = data;
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.data.length;
  }

  byte(): number | null {
    return this.pos < this.data.length ? this.data.charCodeAt(this.pos++) : null;
  }

  /** A length, or an encoding marker as `{ enc }` for the special string forms. */
  length(): number | { enc: number } | null {
    const first = this.byte();
    if (first === null) return null;
    const kind = first >> 6;
    if (kind === 0) return first & 0x3f;
    if (kind === 1) {
      const next = this.byte();
      return next === null ? null : ((first & 0x3f) << 8) | next;
    }
    if (kind === 3) return { enc: first & 0x3f };
    const width = first === 0x80 ? 4 : first === 0x81 ? 8 : 0;
    if (width === 0 || this.pos + width > this.data.length) return null;
    let n = 0;
    for (let i = 0; i < width; i++) n = n * 256 + this.data.charCodeAt(this.pos++);
    return n;
  }

  string(): string | null {
    const len = this.length();
    if (len === null) return null;
    if (typeof len === 'number') return this.take(len);
    if (len.enc <= 2) {
      const width = 1 << len.enc;
      const raw = this.take(width);
      if (raw === null) return null;
      let v = 0;
      for (let i = width - 1; i >= 0; i--) v = v * 256 + raw.charCodeAt(i);
      if (v >= 2 ** (8 * width - 1)) v -= 2 ** (8 * width);
      return String(v);
    }
    if (len.enc === 3) {
      const clen = this.length();
      const ulen = this.length();
      if (typeof clen !== 'number' || typeof ulen !== 'number') return null;
      const compressed = this.take(clen);
      // One LZF back-reference (3 bytes) expands to at most 264: a larger claim is corrupt, and refusing it
      // keeps a forged length from allocating an arbitrarily large buffer.
      if (compressed === null || ulen > compressed.length * 88) return null;
      return lzfDecompress(compressed, ulen);
    }
    return null;
  }

  take(n: number): string | null {
    if (this.pos + n > this.data.length) return null;
    const s = this.data.slice(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}
