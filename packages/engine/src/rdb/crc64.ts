/**
 * CRC-64/Jones as Redis computes it (reflected, polynomial 0xad93d23594c935a9, init 0): the checksum that
 * closes every DUMP payload. Kept as two 32-bit halves so the byte loop runs on plain numbers.
 */
const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);
{
  // 0x95ac9329ac4bc9b5 is the polynomial bit-reversed, for the reflected (LSB-first) form.
  const POLY_HI = 0x95ac9329;
  const POLY_LO = 0xac4bc9b5;
  for (let i = 0; i < 256; i++) {
    let hi = 0;
    let lo = i;
    for (let k = 0; k < 8; k++) {
      const carry = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi >>>= 1;
      if (carry) {
        hi = (hi ^ POLY_HI) >>> 0;
        lo = (lo ^ POLY_LO) >>> 0;
      }
    }
    TABLE_HI[i] = hi;
    TABLE_LO[i] = lo;
  }
}

/** CRC-64 of a byte string, as 8 little-endian bytes (the order DUMP stores it in). */
export function crc64(bytes: string): string {
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < bytes.length; i++) {
    const idx = (lo ^ bytes.charCodeAt(i)) & 0xff;
    // crc = table[idx] ^ (crc >> 8)
    const shiftedLo = ((lo >>> 8) | ((hi & 0xff) << 24)) >>> 0;
    const shiftedHi = hi >>> 8;
    lo = (shiftedLo ^ (TABLE_LO[idx] as number)) >>> 0;
    hi = (shiftedHi ^ (TABLE_HI[idx] as number)) >>> 0;
  }
  let out = '';
  for (let k = 0; k < 4; k++) out += String.fromCharCode((lo >>> (8 * k)) & 0xff);
  for (let k = 0; k < 4; k++) out += String.fromCharCode((hi >>> (8 * k)) & 0xff);
  return out;
}
