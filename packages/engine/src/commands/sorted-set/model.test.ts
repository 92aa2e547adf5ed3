/**
 * Sorted-set commands against a naive model (a Map sorted on demand) under seeded random operation
 * sequences: ZADD with its flags, ZINCRBY, ZREM, ZRANGE by rank/score/lex with REV and LIMIT, ZRANK,
 * ZPOP*, ZREMRANGEBY*, ZCOUNT and ZLEXCOUNT. Every reply must equal the model's, and the key must exist
 * exactly when the model is non-empty.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from '../../command/errors.ts';
import { DoubleReply, NIL_ARRAY, type Reply } from '../../reply.ts';
import { createTestEngine, indexSpan, seededRandom } from '../../testing/index.ts';

const MEMBERS = ['a', 'b', 'bb', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'];
const SCORES = ['-2', '-1', '-0.5', '0', '0.5', '1', '1.5', '2', '3'];
const d = (n: number) => new DoubleReply(n);

type Entry = [member: string, score: number];

class Model {
  readonly m = new Map<string, number>();
  sorted(): Entry[] {
    return [...this.m].sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  }
}

function inScoreMin(bound: string, x: number): boolean {
  if (bound === '-inf') return true;
  if (bound === '+inf') return false;
  return bound.startsWith('(') ? x > Number(bound.slice(1)) : x >= Number(bound);
}
function inScoreMax(bound: string, x: number): boolean {
  if (bound === '+inf') return true;
  if (bound === '-inf') return false;
  return bound.startsWith('(') ? x < Number(bound.slice(1)) : x <= Number(bound);
}
function inLexMin(bound: string, x: string): boolean {
  if (bound === '-') return true;
  if (bound === '+') return false;
  return bound.startsWith('(') ? x > bound.slice(1) : x >= bound.slice(1);
}
function inLexMax(bound: string, x: string): boolean {
  if (bound === '+') return true;
  if (bound === '-') return false;
  return bound.startsWith('(') ? x < bound.slice(1) : x <= bound.slice(1);
}

function limit<T>(xs: T[], offset: number | undefined, count: number | undefined): T[] {
  if (offset === undefined || count === undefined) return xs;
  if (offset < 0) return [];
  return count < 0 ? xs.slice(offset) : xs.slice(offset, offset + count);
}

const flat = (entries: Entry[], withScores: boolean): Reply[] =>
  withScores ? entries.flatMap(([m, s]) => [m, d(s)]) : entries.map(([m]) => m);

function runSequence(seed: number, steps: number): void {
  const rnd = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const scoreBound = () => {
    const r = rnd();
    if (r < 0.1) return '-inf';
    if (r < 0.2) return '+inf';
    return (rnd() < 0.3 ? '(' : '') + pick(SCORES);
  };
  const lexBound = () => {
    const r = rnd();
    if (r < 0.1) return '-';
    if (r < 0.2) return '+';
    return (rnd() < 0.5 ? '(' : '[') + pick([...MEMBERS, 'ba', 'c0', '']);
  };
  const { run } = createTestEngine();
  const z = new Model();
  const lex = new Model();
  const log: string[] = [];
  const check = (args: (string | number)[], expected: Reply) => {
    log.push(args.join(' '));
    const got = run(...args);
    assert.deepEqual(got, expected, `seed ${seed}, after:\n${log.slice(-8).join('\n')}`);
  };

  for (let step = 0; step < steps; step++) {
    const op = int(0, 15);
    switch (op) {
      case 0:
      case 1: {
        // ZADD with a valid flag combination.
        const nxxx = pick(['', '', 'NX', 'XX']);
        const gtlt = nxxx === 'NX' ? '' : pick(['', '', 'GT', 'LT']);
        const ch = rnd() < 0.3;
        const incr = rnd() < 0.2;
        const pairs: [string, string][] = Array.from({ length: incr ? 1 : int(1, 3) }, () => [
          pick(SCORES),
          pick(MEMBERS),
        ]);
        const args: string[] = ['zadd', 'z'];
        for (const f of [nxxx, gtlt, ch ? 'CH' : '', incr ? 'INCR' : '']) if (f !== '') args.push(f);
        for (const [s, m] of pairs) args.push(s, m);
        let added = 0;
        let changed = 0;
        let incrResult: Reply = null;
        for (const [s, m] of pairs) {
          const cur = z.m.get(m);
          if (cur === undefined ? nxxx === 'XX' : nxxx === 'NX') continue;
          const next = incr && cur !== undefined ? cur + Number(s) : Number(s);
          if (cur !== undefined && ((gtlt === 'GT' && !(next > cur)) || (gtlt === 'LT' && !(next < cur)))) continue;
          if (cur === undefined) added++;
          else if (cur !== next) changed++;
          z.m.set(m, next);
          incrResult = d(next);
        }
        check(args, incr ? incrResult : ch ? added + changed : added);
        break;
      }
      case 2: {
        const m = pick(MEMBERS);
        const inc = pick(SCORES);
        const next = (z.m.get(m) ?? 0) + Number(inc);
        z.m.set(m, next);
        check(['zincrby', 'z', inc, m], d(next));
        break;
      }
      case 3: {
        const ms = Array.from({ length: int(1, 3) }, () => pick(MEMBERS));
        let n = 0;
        for (const m of ms) if (z.m.delete(m)) n++;
        check(['zrem', 'z', ...ms], n);
        break;
      }
      case 4: {
        const rev = rnd() < 0.5;
        const ws = rnd() < 0.5;
        const start = int(-14, 14);
        const stop = int(-14, 14);
        const all = rev ? z.sorted().reverse() : z.sorted();
        const r = indexSpan(all.length, start, stop);
        const args: (string | number)[] = ['zrange', 'z', start, stop];
        if (rev) args.push('REV');
        if (ws) args.push('WITHSCORES');
        check(args, flat(r === undefined ? [] : all.slice(r[0], r[1] + 1), ws));
        break;
      }
      case 5: {
        const rev = rnd() < 0.5;
        const ws = rnd() < 0.5;
        const min = scoreBound();
        const max = scoreBound();
        const withLimit = rnd() < 0.4;
        const offset = withLimit ? int(-1, 4) : undefined;
        const count = withLimit ? int(-1, 4) : undefined;
        const inRange = z.sorted().filter(([, s]) => inScoreMin(min, s) && inScoreMax(max, s));
        const args: (string | number)[] = ['zrange', 'z', rev ? max : min, rev ? min : max, 'BYSCORE'];
        if (rev) args.push('REV');
        if (withLimit) args.push('LIMIT', offset as number, count as number);
        if (ws) args.push('WITHSCORES');
        check(args, flat(limit(rev ? inRange.reverse() : inRange, offset, count), ws));
        break;
      }
      case 6: {
        const m = pick(MEMBERS);
        const rev = rnd() < 0.5;
        const ws = rnd() < 0.3;
        const all = rev ? z.sorted().reverse() : z.sorted();
        const i = all.findIndex(([x]) => x === m);
        const args = [rev ? 'zrevrank' : 'zrank', 'z', m, ...(ws ? ['WITHSCORE'] : [])];
        check(args, i < 0 ? (ws ? NIL_ARRAY : null) : ws ? [i, d((all[i] as Entry)[1])] : i);
        break;
      }
      case 7: {
        const max = rnd() < 0.5;
        const withCount = rnd() < 0.6;
        const count = withCount ? int(0, 4) : 1;
        const all = max ? z.sorted().reverse() : z.sorted();
        const popped = all.slice(0, count);
        for (const [m] of popped) z.m.delete(m);
        check([max ? 'zpopmax' : 'zpopmin', 'z', ...(withCount ? [count] : [])], flat(popped, true));
        break;
      }
      case 8: {
        const start = int(-14, 14);
        const stop = int(-14, 14);
        const all = z.sorted();
        const r = indexSpan(all.length, start, stop);
        const gone = r === undefined ? [] : all.slice(r[0], r[1] + 1);
        for (const [m] of gone) z.m.delete(m);
        check(['zremrangebyrank', 'z', start, stop], gone.length);
        break;
      }
      case 9: {
        const min = scoreBound();
        const max = scoreBound();
        const gone = z.sorted().filter(([, s]) => inScoreMin(min, s) && inScoreMax(max, s));
        for (const [m] of gone) z.m.delete(m);
        check(['zremrangebyscore', 'z', min, max], gone.length);
        break;
      }
      case 10: {
        const min = scoreBound();
        const max = scoreBound();
        check(['zcount', 'z', min, max], z.sorted().filter(([, s]) => inScoreMin(min, s) && inScoreMax(max, s)).length);
        break;
      }
      case 11: {
        const ms = Array.from({ length: int(1, 3) }, () => pick(MEMBERS));
        let n = 0;
        for (const m of ms) {
          if (!lex.m.has(m)) n++;
          lex.m.set(m, 0);
        }
        check(['zadd', 'lex', ...ms.flatMap((m) => ['0', m])], n);
        if (rnd() < 0.3) {
          const m = pick(MEMBERS);
          const had = lex.m.delete(m);
          check(['zrem', 'lex', m], had ? 1 : 0);
        }
        break;
      }
      case 12: {
        const rev = rnd() < 0.5;
        const min = lexBound();
        const max = lexBound();
        const withLimit = rnd() < 0.4;
        const offset = withLimit ? int(-1, 4) : undefined;
        const count = withLimit ? int(-1, 4) : undefined;
        const inRange = lex.sorted().filter(([m]) => inLexMin(min, m) && inLexMax(max, m));
        const args: (string | number)[] = ['zrange', 'lex', rev ? max : min, rev ? min : max, 'BYLEX'];
        if (rev) args.push('REV');
        if (withLimit) args.push('LIMIT', offset as number, count as number);
        check(args, flat(limit(rev ? inRange.reverse() : inRange, offset, count), false));
        break;
      }
      case 13: {
        const min = lexBound();
        const max = lexBound();
        const inRange = lex.sorted().filter(([m]) => inLexMin(min, m) && inLexMax(max, m));
        if (rnd() < 0.5) {
          check(['zlexcount', 'lex', min, max], inRange.length);
        } else {
          for (const [m] of inRange) lex.m.delete(m);
          check(['zremrangebylex', 'lex', min, max], inRange.length);
        }
        break;
      }
      case 14: {
        // Refused flag combinations change nothing.
        const bad = pick([
          [['NX', 'XX'], E.XX_AND_NX],
          [['GT', 'LT'], E.GT_LT_NX],
          [['NX', 'GT'], E.GT_LT_NX],
          [['LT', 'NX'], E.GT_LT_NX],
          [['INCR', '1', 'a'], E.ZADD_INCR_PAIR],
        ] as const);
        check(['zadd', 'z', ...bad[0], '1', pick(MEMBERS)], bad[1]);
        const m = pick(MEMBERS);
        const s = z.m.get(m);
        check(['zscore', 'z', m], s === undefined ? null : d(s));
        check(['zcard', 'z'], z.m.size);
        break;
      }
      default: {
        check(['zrange', 'z', 0, -1, 'WITHSCORES'], flat(z.sorted(), true));
        check(['zrange', 'lex', 0, -1], flat(lex.sorted(), false));
      }
    }
    check(['exists', 'z', 'lex'], (z.m.size > 0 ? 1 : 0) + (lex.m.size > 0 ? 1 : 0));
  }
}

test('sorted-set commands match a naive model under random operations', () => {
  for (let seed = 1; seed <= 8; seed++) runSequence(seed, 1500);
});
