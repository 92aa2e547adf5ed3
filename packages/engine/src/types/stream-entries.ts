/**
 * A stream's entries in ID order, in nodes that mirror Redis's listpack nodes. The open node at the tail
 * takes appends into two arrays (IDs and packed field lists); once a node is closed its entries are sealed
 * into one flat byte string — each entry's 16-byte ID followed by its packed fields (packed-fields.ts) —
 * with a Uint32Array of where each entry starts. A sealed entry then costs its bytes and four more, where
 * an array slot, an ID string and a value string cost about 60 bytes of V8 headers and pointers on top.
 * Nodes are searched by their first ID (O(log n) seeks), appends are O(1) amortised, deleting inside a
 * sealed node rewrites that node only, and whole nodes drop from the head for approximate trimming.
 */
import type { StreamId } from './stream-id.ts';

const ID_CHARS = 16;

export interface EntryNode {
  /** The open form: IDs and packed fields (undefined once sealed). */
  ids: StreamId[] | undefined;
  vals: string[] | undefined;
  /** The sealed form: entries back to back; `at[i]` is where entry i starts. */
  data: string;
  at: Uint32Array | undefined;
  /** Live entries. */
  n: number;
  /** Entries ever appended, deleted ones included (Redis counts its tombstones). */
  slots: number;
  /** The last ID appended, even if since deleted: a Redis node's last ID is its last tombstone's. */
  top: StreamId;
  /** The first live ID, so nodes are searched without slicing their data. */
  first: StreamId;
  /** What the node counts for in memory accounting (the owner's estimate; kept until the node goes). */
  bytes: number;
}

function idAt(node: EntryNode, i: number): StreamId {
  if (node.ids !== undefined) return node.ids[i] as StreamId;
  const start = (node.at as Uint32Array)[i] as number;
  return node.data.slice(start, start + ID_CHARS);
}

function end(node: EntryNode, i: number): number {
  return i + 1 < node.n ? ((node.at as Uint32Array)[i + 1] as number) : node.data.length;
}

function valAt(node: EntryNode, i: number): string {
  if (node.vals !== undefined) return node.vals[i] as string;
  return node.data.slice(((node.at as Uint32Array)[i] as number) + ID_CHARS, end(node, i));
}

/** Compares the ID stored at `start` in `data` with `id`, without slicing. */
function compareAt(data: string, start: number, id: StreamId): number {
  for (let k = 0; k < ID_CHARS; k++) {
    const d = data.charCodeAt(start + k) - id.charCodeAt(k);
    if (d !== 0) return d;
  }
  return 0;
}

/** Offset of the first entry with ID ≥ id in `node`. */
function lowerBound(node: EntryNode, id: StreamId): number {
  let lo = 0;
  let hi = node.n;
  const { ids, at, data } = node;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const less =
      ids !== undefined ? (ids[mid] as StreamId) < id : compareAt(data, (at as Uint32Array)[mid] as number, id) < 0;
    if (less) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Entries as one flat string (`join` builds a flat string, never a chain of concatenations) with offsets. */
function sealed(ids: readonly StreamId[], vals: readonly string[]): { data: string; at: Uint32Array } {
  const at = new Uint32Array(ids.length);
  const parts: string[] = [];
  let offset = 0;
  for (let i = 0; i < ids.length; i++) {
    at[i] = offset;
    const v = vals[i] as string;
    parts.push(ids[i] as StreamId, v);
    offset += ID_CHARS + v.length;
  }
  return { data: parts.join(''), at };
}

function seal(node: EntryNode): void {
  if (node.ids === undefined) return;
  const { data, at } = sealed(node.ids, node.vals as string[]);
  node.data = data;
  node.at = at;
  node.ids = undefined;
  node.vals = undefined;
}

export class EntryIndex {
  readonly nodes: EntryNode[] = [];
  size = 0;
  private readonly cap: number;

  constructor(cap: number) {
    this.cap = cap;
  }

  firstKey(): StreamId | undefined {
    return this.nodes[0]?.first;
  }

  lastKey(): StreamId | undefined {
    const last = this.nodes[this.nodes.length - 1];
    return last === undefined ? undefined : idAt(last, last.n - 1);
  }

  lastNode(): EntryNode | undefined {
    return this.nodes[this.nodes.length - 1];
  }

  /** Live entries per node, head first. */
  nodeSizes(): number[] {
    return this.nodes.map((node) => node.n);
  }

  /** The last node whose first ID is ≤ id, or -1. */
  private nodeFor(id: StreamId): number {
    const nodes = this.nodes;
    let lo = 0;
    let hi = nodes.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((nodes[mid] as EntryNode).first <= id) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  private locate(id: StreamId): { node: EntryNode; c: number; i: number } | null {
    const c = this.nodeFor(id);
    if (c < 0) return null;
    const node = this.nodes[c] as EntryNode;
    const i = lowerBound(node, id);
    return i < node.n && idAt(node, i) === id ? { node, c, i } : null;
  }

  /** The packed fields of `id`, or undefined. */
  get(id: StreamId): string | undefined {
    const p = this.locate(id);
    return p === null ? undefined : valAt(p.node, p.i);
  }

  /** Appends an ID above every key; in a new node (sealing the last one) when `newNode` or when it is full. */
  append(id: StreamId, packed: string, newNode = false): void {
    let last = this.nodes[this.nodes.length - 1];
    if (last === undefined || newNode || last.slots >= this.cap || last.ids === undefined) {
      if (last !== undefined) seal(last);
      last = { ids: [], vals: [], data: '', at: undefined, n: 0, slots: 0, top: id, first: id, bytes: 0 };
      this.nodes.push(last);
    }
    (last.ids as StreamId[]).push(id);
    (last.vals as string[]).push(packed);
    last.n++;
    last.slots++;
    last.top = id;
    this.size++;
  }

  /** Removes `id`: false when absent, else the node when that emptied it (the node then goes), else true. */
  delete(id: StreamId): EntryNode | boolean {
    const p = this.locate(id);
    if (p === null) return false;
    const { node, c, i } = p;
    this.size--;
    if (node.n === 1) {
      this.nodes.splice(c, 1);
      return node;
    }
    if (node.ids !== undefined) {
      node.ids.splice(i, 1);
      (node.vals as string[]).splice(i, 1);
    } else {
      const at = node.at as Uint32Array;
      const from = at[i] as number;
      const cut = end(node, i) - from;
      node.data = [node.data.slice(0, from), node.data.slice(from + cut)].join('');
      const next = new Uint32Array(node.n - 1);
      for (let k = 0; k < node.n - 1; k++) {
        const src = k < i ? k : k + 1;
        next[k] = (at[src] as number) - (src > i ? cut : 0);
      }
      node.at = next;
    }
    node.n--;
    if (i === 0) node.first = idAt(node, 0);
    return true;
  }

  /** Drops the head node whole (approximate trimming) and returns it. */
  dropFirstNode(): EntryNode | undefined {
    const node = this.nodes.shift();
    if (node !== undefined) this.size -= node.n;
    return node;
  }

  /** The head node's IDs and its top (last appended) ID. */
  head(): { ids: StreamId[]; top: StreamId } | undefined {
    const node = this.nodes[0];
    if (node === undefined) return undefined;
    const ids: StreamId[] = [];
    for (let i = 0; i < node.n; i++) ids.push(idAt(node, i));
    return { ids, top: node.top };
  }

  /** The key ≥ id, or undefined. */
  ceilingKey(id: StreamId): StreamId | undefined {
    for (let c = Math.max(0, this.nodeFor(id)); c < this.nodes.length; c++) {
      const node = this.nodes[c] as EntryNode;
      const i = lowerBound(node, id);
      if (i < node.n) return idAt(node, i);
    }
    return undefined;
  }

  /**
   * Calls `fn` for keys in [from, to] ascending (descending when `rev`, from `to` down to `from`) until it
   * returns false. The index must not change meanwhile.
   */
  range(from: StreamId, to: StreamId, rev: boolean, fn: (id: StreamId, packed: string) => boolean | undefined): void {
    if (from > to) return;
    const nodes = this.nodes;
    if (!rev) {
      for (let c = Math.max(0, this.nodeFor(from)), i = -1; c < nodes.length; c++) {
        const node = nodes[c] as EntryNode;
        for (i = i < 0 ? lowerBound(node, from) : 0; i < node.n; i++) {
          const id = idAt(node, i);
          if (id > to || fn(id, valAt(node, i)) === false) return;
        }
        i = 0;
      }
      return;
    }
    let c = this.nodeFor(to);
    if (c < 0) return;
    let i = lowerBound(nodes[c] as EntryNode, to);
    const atTo = nodes[c] as EntryNode;
    if (!(i < atTo.n && idAt(atTo, i) === to)) i--;
    for (; c >= 0; c--) {
      const node = nodes[c] as EntryNode;
      if (i < 0 || i >= node.n) i = node.n - 1;
      for (; i >= 0; i--) {
        const id = idAt(node, i);
        if (id < from || fn(id, valAt(node, i)) === false) return;
      }
    }
  }

  /** Every key and packed value in order. */
  *[Symbol.iterator](): IterableIterator<[StreamId, string]> {
    for (const node of this.nodes) for (let i = 0; i < node.n; i++) yield [idAt(node, i), valAt(node, i)];
  }

  /** Makes this (empty) index a copy of `other`: sealed data is immutable and shared, open arrays copied. */
  copyFrom(other: EntryIndex): void {
    for (const node of other.nodes) this.nodes.push({ ...node, ids: node.ids?.slice(), vals: node.vals?.slice() });
    this.size = other.size;
  }
}
