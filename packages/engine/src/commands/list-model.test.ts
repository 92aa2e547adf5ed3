/**
 * List commands against a naive model (plain arrays) under seeded random operation sequences over two
 * keys, so LMOVE moves between lists and onto itself. Every reply must equal the model's, and each key
 * must exist exactly when its model list is non-empty.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from '../command/errors.ts';
import { NIL_ARRAY, OK, type Reply } from '../reply.ts';
import { createTestEngine, indexSpan, seededRandom } from '../testing/index.ts';

const VALUES = ['a', 'b', 'c', 'd', 'e', ''];
const KEYS = ['l1', 'l2'] as const;

/** LPOS: indexes (from the head) of matches, scanning from the end RANK's sign picks. */
function lpos(list: string[], v: string, rank: number, count: number, maxlen: number): number[] {
  const out: number[] = [];
  let skip = Math.abs(rank) - 1;
  const n = list.length;
  for (let k = 0; k < n && (maxlen === 0 || k < maxlen); k++) {
    const i = rank > 0 ? k : n - 1 - k;
    if (list[i] !== v) continue;
    if (skip > 0) {
      skip--;
      continue;
    }
    out.push(i);
    if (count !== 0 && out.length >= count) break;
  }
  return out;
}

function runSequence(seed: number, steps: number): void {
  const rnd = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const { run } = createTestEngine();
  const model = new Map<string, string[]>(KEYS.map((k) => [k, []]));
  const log: string[] = [];
  const check = (args: (string | number)[], expected: Reply) => {
    log.push(JSON.stringify(args));
    assert.deepEqual(run(...args), expected, `seed ${seed}, after:\n${log.slice(-8).join('\n')}`);
  };

  for (let step = 0; step < steps; step++) {
    const key = pick(KEYS);
    const list = model.get(key) as string[];
    switch (int(0, 13)) {
      case 0:
      case 1: {
        const left = rnd() < 0.5;
        const vs = Array.from({ length: int(1, 4) }, () => pick(VALUES));
        for (const v of vs) left ? list.unshift(v) : list.push(v);
        check([left ? 'lpush' : 'rpush', key, ...vs], list.length);
        break;
      }
      case 2: {
        const left = rnd() < 0.5;
        const cmd = left ? 'lpop' : 'rpop';
        if (rnd() < 0.5) {
          check([cmd, key], (left ? list.shift() : list.pop()) ?? null);
        } else {
          const count = int(0, 4);
          if (list.length === 0) {
            check([cmd, key, count], NIL_ARRAY);
          } else {
            const got = left ? list.splice(0, count) : list.splice(Math.max(0, list.length - count)).reverse();
            check([cmd, key, count], got);
          }
        }
        break;
      }
      case 3: {
        const where = rnd() < 0.5 ? 'BEFORE' : 'AFTER';
        const pivot = pick(VALUES);
        const v = pick(VALUES);
        const i = list.indexOf(pivot);
        if (list.length === 0) check(['linsert', key, where, pivot, v], 0);
        else if (i < 0) check(['linsert', key, where, pivot, v], -1);
        else {
          list.splice(where === 'BEFORE' ? i : i + 1, 0, v);
          check(['linsert', key, where, pivot, v], list.length);
        }
        break;
      }
      case 4: {
        const index = int(-8, 8);
        const v = pick(VALUES);
        const i = index < 0 ? index + list.length : index;
        if (list.length === 0) check(['lset', key, index, v], E.NO_SUCH_KEY);
        else if (i < 0 || i >= list.length) check(['lset', key, index, v], E.INDEX_OUT_OF_RANGE);
        else {
          list[i] = v;
          check(['lset', key, index, v], OK);
        }
        break;
      }
      case 5: {
        const count = int(-3, 3);
        const v = pick(VALUES);
        let removed = 0;
        if (count >= 0) {
          for (let i = 0; i < list.length; ) {
            if (list[i] === v && (count === 0 || removed < count)) {
              list.splice(i, 1);
              removed++;
            } else i++;
          }
        } else {
          for (let i = list.length - 1; i >= 0; i--) {
            if (list[i] === v && removed < -count) {
              list.splice(i, 1);
              removed++;
            }
          }
        }
        check(['lrem', key, count, v], removed);
        break;
      }
      case 6: {
        const start = int(-10, 10);
        const stop = int(-10, 10);
        const r = indexSpan(list.length, start, stop);
        const kept = r === undefined ? [] : list.slice(r[0], r[1] + 1);
        list.splice(0, list.length, ...kept);
        check(['ltrim', key, start, stop], OK);
        break;
      }
      case 7:
      case 8: {
        const start = int(-12, 12);
        const stop = int(-12, 12);
        const r = indexSpan(list.length, start, stop);
        check(['lrange', key, start, stop], r === undefined ? [] : list.slice(r[0], r[1] + 1));
        break;
      }
      case 9: {
        const index = int(-10, 10);
        const i = index < 0 ? index + list.length : index;
        check(['lindex', key, index], list[i] ?? null);
        check(['llen', key], list.length);
        break;
      }
      case 10: {
        const v = pick(VALUES);
        const rank = pick([1, 1, 2, 3, -1, -2]);
        const withCount = rnd() < 0.5;
        const count = withCount ? int(0, 3) : 1;
        const maxlen = rnd() < 0.3 ? int(0, 6) : 0;
        const args: (string | number)[] = ['lpos', key, v];
        if (rank !== 1 || rnd() < 0.3) args.push('RANK', rank);
        if (withCount) args.push('COUNT', count);
        if (maxlen !== 0 || rnd() < 0.2) args.push('MAXLEN', maxlen);
        const found = lpos(list, v, rank, count, maxlen);
        check(args, withCount ? found : (found[0] ?? null));
        break;
      }
      case 11:
      case 12: {
        const dstKey = pick(KEYS);
        const dst = model.get(dstKey) as string[];
        const from = pick(['LEFT', 'RIGHT']);
        const to = pick(['LEFT', 'RIGHT']);
        const v = from === 'LEFT' ? list.shift() : list.pop();
        if (v !== undefined) to === 'LEFT' ? dst.unshift(v) : dst.push(v);
        check(['lmove', key, dstKey, from, to], v ?? null);
        break;
      }
      default:
        for (const k of KEYS) check(['lrange', k, 0, -1], model.get(k) as string[]);
    }
    for (const k of KEYS) check(['exists', k], (model.get(k) as string[]).length > 0 ? 1 : 0);
  }
}

test('list commands match a naive model under random operations', () => {
  for (let seed = 1; seed <= 8; seed++) runSequence(seed, 1500);
});
