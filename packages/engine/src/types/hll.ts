/**
 * HyperLogLog in Redis's exact string format, so the bytes GET returns and SET accepts are interchangeable
 * with Redis's: a 16-byte header ("HYLL", encoding, 3 unused bytes, the cached cardinality as 8 bytes
 * little-endian whose top bit marks it stale), then 16384 registers, either dense (6 bits each, packed
 * from the low bit) or sparse (run-length opcodes). Every edit follows Redis's algorithm step by step,
 * because the sparse bytes depend on the order of splits and merges, not only on the register values.
 */

export const HLL_P = 14;
export const HLL_REGISTERS = 1 << HLL_P;
const HLL_Q = 64 - HLL_P;
const HLL_BITS = 6;
const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + Math.ceil((HLL_REGISTERS * HLL_BITS) / 8);
const DENSE = 0;
const SPARSE = 1;
/** Redis's `hll-sparse-max-bytes` default: a sparse value that would grow past this turns dense. */
export const SPARSE_MAX_BYTES = 3000;
const VAL_MAX_VALUE = 32;
const VAL_MAX_LEN = 4;
const ZERO_MAX_LEN = 64;
const ALPHA_INF = 0.7213475204444817;

/** An HLL being edited: `bytes` may be longer than the value, which is its first `length` bytes. */
export interface Hll {
  bytes: Uint8Array;
  length: number;
}

/** Thrown when a sparse value's opcodes do not cover exactly 16384 registers. */
export class CorruptHll extends Error {}

// ---------------------------------------------------------------------------------------------------------
// MurmurHash64A (Redis's endian-neutral variant, seed 0xadc83b19) on 32-bit halves, to avoid BigInt.

let mulHi = 0;
/** Low 32 bits of (ah:al × bh:bl) mod 2^64; the high 32 bits are left in `mulHi`. */
function mul64(ah: number, al: number, bh: number, bl: number): number {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const mid = a1 * b0 + a0 * b1;
  const low = a0 * b0 + (mid % 65536) * 65536;
  const carry = Math.floor(low / 4294967296);
  mulHi = (a1 * b1 + Math.floor(mid / 65536) + carry + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
  return low >>> 0;
}

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;
const SEED = 0xadc83b19;

let patIndex = 0;
/** The run length ("pattern length") of `element`'s hash, with its register left in `patIndex`. */
export function patLen(element: string): number {
  const len = element.length;
  let l = mul64(0, len, M_HI, M_LO);
  let h = mulHi;
  l = (l ^ SEED) >>> 0;
  const blocks = len - (len & 7);
  let i = 0;
  for (; i < blocks; i += 8) {
    let kl =
      (element.charCodeAt(i) |
        (element.charCodeAt(i + 1) << 8) |
        (element.charCodeAt(i + 2) << 16) |
        (element.charCodeAt(i + 3) << 24)) >>>
      0;
    let kh =
      (element.charCodeAt(i + 4) |
        (element.charCodeAt(i + 5) << 8) |
        (element.charCodeAt(i + 6) << 16) |
        (element.charCodeAt(i + 7) << 24)) >>>
      0;
    kl = mul64(kh, kl, M_HI, M_LO);
    kh = mulHi;
    kl = (kl ^ (kh >>> 15)) >>> 0;
    kl = mul64(kh, kl, M_HI, M_LO);
    kh = mulHi;
    h = (h ^ kh) >>> 0;
    l = (l ^ kl) >>> 0;
    l = mul64(h, l, M_HI, M_LO);
    h = mulHi;
  }
  const rest = len & 7;
  if (rest > 0) {
    for (let j = rest - 1; j >= 0; j--) {
      const b = element.charCodeAt(i + j);
      if (j >= 4) h = (h ^ (b << ((j - 4) * 8))) >>> 0;
      else l = (l ^ (b << (j * 8))) >>> 0;
    }
    l = mul64(h, l, M_HI, M_LO);
    h = mulHi;
  }
  l = (l ^ (h >>> 15)) >>> 0;
  l = mul64(h, l, M_HI, M_LO);
  h = mulHi;
  l = (l ^ (h >>> 15)) >>> 0;
  patIndex = l & (HLL_REGISTERS - 1);
  const low = l >>> HLL_P;
  if (low !== 0) return 32 - Math.clz32(low & -low);
  if (h !== 0) return 32 - HLL_P + 32 - Math.clz32(h & -h);
  return HLL_Q + 1;
}

// ---------------------------------------------------------------------------------------------------------
// Values

/** Whether a string passes Redis's isHLLObjectOrReply checks (header, encoding, dense length). */
export function isHll(value: string): boolean {
  if (value.length < HLL_HDR_SIZE || !value.startsWith('HYLL')) return false;
  const encoding = value.charCodeAt(4);
  if (encoding > SPARSE) return false;
  return encoding !== DENSE || value.length === HLL_DENSE_SIZE;
}

/** The value's bytes in a buffer with 8 spare bytes (sparse edits may grow it). Native copies: a dense HLL is 12 KB. */
export function parseHll(value: string): Hll {
  const bytes = new Uint8Array(value.length + 8);
  bytes.set(Buffer.from(value, 'latin1'));
  return { bytes, length: value.length };
}

export function hllBytes(hll: Hll): string {
  return Buffer.from(hll.bytes.buffer, hll.bytes.byteOffset, hll.length).toString('latin1');
}

/** The cached cardinality read straight from a value's header, or undefined when the cache is stale. */
export function cachedCountOf(value: string): number | bigint | undefined {
  if ((value.charCodeAt(15) & 0x80) !== 0) return undefined;
  let v = 0n;
  for (let i = 15; i >= 8; i--) v = (v << 8n) | BigInt(value.charCodeAt(i));
  const signed = BigInt.asIntN(64, v);
  return signed >= BigInt(Number.MIN_SAFE_INTEGER) && signed <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(signed)
    : signed;
}

/** A new, empty HLL: sparse, one XZERO run over every register, cached cardinality 0. */
export function createHll(): Hll {
  const bytes = new Uint8Array(32);
  bytes.set([0x48, 0x59, 0x4c, 0x4c, SPARSE]);
  bytes[HLL_HDR_SIZE] = 0x40 | ((HLL_REGISTERS - 1) >> 8);
  bytes[HLL_HDR_SIZE + 1] = (HLL_REGISTERS - 1) & 0xff;
  return { bytes, length: HLL_HDR_SIZE + 2 };
}

export function isDense(hll: Hll): boolean {
  return hll.bytes[4] === DENSE;
}

export function invalidateCache(hll: Hll): void {
  (hll.bytes as Uint8Array)[15] = (hll.bytes[15] as number) | 0x80;
}

export function setCachedCount(hll: Hll, count: number): void {
  let v = BigInt(count);
  for (let i = 8; i < 16; i++) {
    hll.bytes[i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Dense registers

/**
 * Whether adding `elements` would raise any register of a dense value, read straight from the string:
 * on a large HLL most additions change nothing, and then no 12 KB copy is made (Redis edits in place).
 */
export function denseWouldChange(value: string, elements: readonly string[], from: number): boolean {
  if (value.charCodeAt(4) !== DENSE) return true;
  for (let i = from; i < elements.length; i++) {
    const count = patLen(elements[i] as string);
    const bit = patIndex * HLL_BITS;
    const at = HLL_HDR_SIZE + (bit >> 3);
    const fb = bit & 7;
    const next = at + 1 < value.length ? value.charCodeAt(at + 1) : 0;
    const current = ((value.charCodeAt(at) >> fb) | (next << (8 - fb))) & HLL_REGISTER_MAX;
    if (count > current) return true;
  }
  return false;
}

function denseGet(bytes: Uint8Array, reg: number): number {
  const bit = reg * HLL_BITS;
  const at = HLL_HDR_SIZE + (bit >> 3);
  const fb = bit & 7;
  return (((bytes[at] as number) >> fb) | ((bytes[at + 1] ?? 0) << (8 - fb))) & HLL_REGISTER_MAX;
}

function denseSet(bytes: Uint8Array, reg: number, value: number): void {
  const bit = reg * HLL_BITS;
  const at = HLL_HDR_SIZE + (bit >> 3);
  const fb = bit & 7;
  bytes[at] = ((bytes[at] as number) & ~(HLL_REGISTER_MAX << fb)) | (value << fb);
  if (at + 1 < HLL_DENSE_SIZE) {
    bytes[at + 1] = ((bytes[at + 1] as number) & ~(HLL_REGISTER_MAX >> (8 - fb))) | (value >> (8 - fb));
  }
}

function denseRaise(bytes: Uint8Array, reg: number, count: number): 0 | 1 {
  if (count <= denseGet(bytes, reg)) return 0;
  denseSet(bytes, reg, count);
  return 1;
}

// ---------------------------------------------------------------------------------------------------------
// Sparse opcodes: ZERO 00xxxxxx (1-64 zeros), XZERO 01xxxxxx yyyyyyyy (1-16384 zeros),
// VAL 1vvvvvxx (1-4 registers of value 1-32).

const isZero = (b: number) => (b & 0xc0) === 0;
const isXzero = (b: number) => (b & 0xc0) === 0x40;
const zeroLen = (b: number) => (b & 0x3f) + 1;
const xzeroLen = (b: number, b2: number) => (((b & 0x3f) << 8) | b2) + 1;
const valValue = (b: number) => ((b >> 2) & 0x1f) + 1;
const valLen = (b: number) => (b & 0x3) + 1;
const val = (value: number, len: number) => 0x80 | ((value - 1) << 2) | (len - 1);

/**
 * Walks a sparse value's opcodes, calling `run(first, len, value)` for each run; returns the number of
 * registers covered, or -1 when a VAL run would pass the last register (Redis stops there too).
 */
function walkSparse(hll: Hll, run: (first: number, len: number, value: number) => void): number {
  const { bytes, length } = hll;
  let idx = 0;
  let p = HLL_HDR_SIZE;
  while (p < length) {
    const b = bytes[p] as number;
    if (isZero(b)) {
      idx += zeroLen(b);
      p++;
    } else if (isXzero(b)) {
      idx += xzeroLen(b, p + 1 < length ? (bytes[p + 1] as number) : 0);
      p += 2;
    } else {
      const len = valLen(b);
      if (idx + len > HLL_REGISTERS) return -1;
      run(idx, len, valValue(b));
      idx += len;
      p++;
    }
  }
  return idx;
}

/** Rewrites a sparse HLL as dense in place, keeping the header (cached cardinality included). */
function sparseToDense(hll: Hll): void {
  if (isDense(hll)) return;
  const dense = new Uint8Array(HLL_DENSE_SIZE);
  dense.set(hll.bytes.subarray(0, HLL_HDR_SIZE));
  dense[4] = DENSE;
  const covered = walkSparse(hll, (first, len, value) => {
    for (let r = first; r < first + len; r++) denseSet(dense, r, value);
  });
  if (covered !== HLL_REGISTERS) throw new CorruptHll();
  hll.bytes = dense;
  hll.length = HLL_DENSE_SIZE;
}

function ensureRoom(hll: Hll, extra: number): void {
  if (hll.length + extra <= hll.bytes.length) return;
  const grown = new Uint8Array(Math.max(hll.length + extra, hll.bytes.length * 2));
  grown.set(hll.bytes.subarray(0, hll.length));
  hll.bytes = grown;
}

/** Redis's hllSparseSet: raises register `index` to `count`; 1 if it changed, 0 if not. */
function sparseSet(hll: Hll, index: number, count: number): 0 | 1 {
  if (count > VAL_MAX_VALUE) return promote(hll, index, count);
  let { bytes } = hll;
  let end = hll.length;
  // Step 1: find the opcode covering `index`.
  let p = HLL_HDR_SIZE;
  let prev = -1;
  let first = 0;
  let span = 0;
  while (p < end) {
    const b = bytes[p] as number;
    let oplen = 1;
    if (isZero(b)) span = zeroLen(b);
    else if (!isXzero(b)) span = valLen(b);
    else {
      span = xzeroLen(b, p + 1 < end ? (bytes[p + 1] as number) : 0);
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) throw new CorruptHll();
  const op = bytes[p] as number;
  const opIsZero = isZero(op);
  const opIsXzero = isXzero(op);
  const next = p + (opIsXzero ? 2 : 1) < end ? p + (opIsXzero ? 2 : 1) : -1;

  // Step 2: the trivial in-place cases, then the general split.
  let done = false;
  if (!opIsZero && !opIsXzero) {
    if (valValue(op) >= count) return 0;
    if (valLen(op) === 1) {
      bytes[p] = val(count, 1);
      done = true;
    }
  }
  if (!done && opIsZero && zeroLen(op) === 1) {
    bytes[p] = val(count, 1);
    done = true;
  }
  if (!done) {
    const seq: number[] = [];
    const last = first + span - 1;
    const zeros = (len: number) => {
      if (len > ZERO_MAX_LEN) seq.push(0x40 | ((len - 1) >> 8), (len - 1) & 0xff);
      else seq.push(len - 1);
    };
    if (opIsZero || opIsXzero) {
      if (index !== first) zeros(index - first);
      seq.push(val(count, 1));
      if (index !== last) zeros(last - index);
    } else {
      const current = valValue(op);
      if (index !== first) seq.push(val(current, index - first));
      seq.push(val(count, 1));
      if (index !== last) seq.push(val(current, last - index));
    }
    // Step 3: put the new sequence in the old opcode's place, promoting if the value would grow too big.
    const oldlen = opIsXzero ? 2 : 1;
    const delta = seq.length - oldlen;
    if (delta > 0 && end + delta > SPARSE_MAX_BYTES) return promote(hll, index, count);
    if (delta > 0) {
      ensureRoom(hll, delta);
      bytes = hll.bytes;
    }
    // A split shrinks only from a hand-made one-register XZERO, which Redis never writes but accepts.
    if (delta !== 0 && next !== -1) bytes.copyWithin(next + delta, next, end);
    bytes.set(seq, p);
    end += delta;
    hll.length = end;
  }

  // Step 4: merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from the previous one.
  p = prev === -1 ? HLL_HDR_SIZE : prev;
  let scan = 5;
  while (p < end && scan-- > 0) {
    const b = bytes[p] as number;
    if (isXzero(b)) {
      p += 2;
      continue;
    }
    if (isZero(b)) {
      p++;
      continue;
    }
    if (p + 1 < end) {
      const b2 = bytes[p + 1] as number;
      if (!isZero(b2) && !isXzero(b2) && valValue(b) === valValue(b2)) {
        const len = valLen(b) + valLen(b2);
        if (len <= VAL_MAX_LEN) {
          bytes[p + 1] = val(valValue(b), len);
          bytes.copyWithin(p, p + 1, end);
          end--;
          hll.length = end;
          continue;
        }
      }
    }
    p++;
  }
  invalidateCache(hll);
  return 1;
}

function promote(hll: Hll, index: number, count: number): 1 {
  sparseToDense(hll);
  denseRaise(hll.bytes, index, count);
  return 1;
}

/** Raises register `index` to `count` in either encoding; 1 if a register changed. */
export function setRegister(hll: Hll, index: number, count: number): 0 | 1 {
  return isDense(hll) ? denseRaise(hll.bytes, index, count) : sparseSet(hll, index, count);
}

/** PFADD of one element: 1 if a register changed. Throws CorruptHll for a broken sparse value. */
export function add(hll: Hll, element: string): 0 | 1 {
  const count = patLen(element);
  return setRegister(hll, patIndex, count);
}

/** Raises each of `max` (one byte per register) to this HLL's registers. Throws CorruptHll. */
export function mergeInto(max: Uint8Array, hll: Hll): void {
  if (isDense(hll)) {
    for (let r = 0; r < HLL_REGISTERS; r++) {
      const v = denseGet(hll.bytes, r);
      if (v > (max[r] as number)) max[r] = v;
    }
    return;
  }
  const covered = walkSparse(hll, (first, len, value) => {
    for (let r = first; r < first + len; r++) if (value > (max[r] as number)) max[r] = value;
  });
  if (covered !== HLL_REGISTERS) throw new CorruptHll();
}

/** Makes `hll` dense (PFMERGE does when any source is). Throws CorruptHll. */
export function toDense(hll: Hll): void {
  sparseToDense(hll);
}

// ---------------------------------------------------------------------------------------------------------
// Estimation: Otmar Ertl's improved raw estimator, as Redis ≥ 5 computes it.

function sigma(x: number): number {
  if (x === 1) return Number.POSITIVE_INFINITY;
  let y = 1;
  let z = x;
  let zPrev: number;
  do {
    x *= x;
    zPrev = z;
    z += x * y;
    y += y;
  } while (zPrev !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let zPrev: number;
  do {
    x = Math.sqrt(x);
    zPrev = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
  } while (zPrev !== z);
  return z / 3;
}

function estimate(histo: Float64Array): number {
  const m = HLL_REGISTERS;
  let z = m * tau((m - (histo[HLL_Q + 1] as number)) / m);
  for (let j = HLL_Q; j >= 1; j--) {
    z += histo[j] as number;
    z *= 0.5;
  }
  z += m * sigma((histo[0] as number) / m);
  return Math.round((ALPHA_INF * m * m) / z);
}

/** The estimated cardinality of one HLL (ignores the cache). Throws CorruptHll. */
export function count(hll: Hll): number {
  const histo = new Float64Array(64);
  if (isDense(hll)) {
    for (let r = 0; r < HLL_REGISTERS; r++) {
      const v = denseGet(hll.bytes, r);
      histo[v] = (histo[v] as number) + 1;
    }
  } else {
    let zeros = 0;
    const covered = walkSparseHisto(hll, histo, (n) => {
      zeros += n;
    });
    histo[0] = (histo[0] as number) + zeros;
    if (covered !== HLL_REGISTERS) throw new CorruptHll();
  }
  return estimate(histo);
}

/** Like walkSparse but, as Redis's histogram pass, without the overflow stop. */
function walkSparseHisto(hll: Hll, histo: Float64Array, zeroRun: (n: number) => void): number {
  const { bytes, length } = hll;
  let idx = 0;
  let p = HLL_HDR_SIZE;
  while (p < length) {
    const b = bytes[p] as number;
    if (isZero(b)) {
      zeroRun(zeroLen(b));
      idx += zeroLen(b);
      p++;
    } else if (isXzero(b)) {
      const len = xzeroLen(b, p + 1 < length ? (bytes[p + 1] as number) : 0);
      zeroRun(len);
      idx += len;
      p += 2;
    } else {
      histo[valValue(b)] = (histo[valValue(b)] as number) + valLen(b);
      idx += valLen(b);
      p++;
    }
  }
  return idx;
}

/** The estimated cardinality of registers held one per byte (PFCOUNT of several keys). */
export function countRegisters(max: Uint8Array): number {
  const histo = new Float64Array(64);
  for (let r = 0; r < HLL_REGISTERS; r++) {
    const v = max[r] as number;
    histo[v] = (histo[v] as number) + 1;
  }
  return estimate(histo);
}
