/** LZF decompression, for RDB strings Redis stored compressed (a DUMP payload made with rdbcompression). */
export function lzfDecompress(input: string, outLength: number): string | null {
  const out = new Uint8Array(outLength);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    const ctrl = input.charCodeAt(ip++);
    if (ctrl < 32) {
      const run = ctrl + 1;
      if (op + run > outLength || ip + run > input.length) return null;
      for (let k = 0; k < run; k++) out[op++] = input.charCodeAt(ip++);
    } else {
      let len = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (len === 7) {
        if (ip >= input.length) return null;
        len += input.charCodeAt(ip++);
      }
      if (ip >= input.length) return null;
      ref -= input.charCodeAt(ip++);
      len += 2;
      if (ref < 0 || op + len > outLength) return null;
      for (let k = 0; k < len; k++) out[op++] = out[ref++] as number;
    }
  }
  if (op !== outLength) return null;
  let s = '';
  for (let i = 0; i < outLength; i += 8192)
    s += String.fromCharCode.apply(null, out.subarray(i, Math.min(outLength, i + 8192)) as unknown as number[]);
  return s;
}
