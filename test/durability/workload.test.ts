/**
 * The crash test's checker on hand-made histories: it must accept every state a replayed log prefix can
 * leave, and reject each kind of damage a broken log could cause.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRound, LISTS, type Observed, type Op, type Sent, type WriterLog } from './workload.ts';

const P = 'r1:';

/** Writers whose ops were sent one at a time in the order given; the last op of a writer may be in flight. */
function history(steps: [writer: number, op: Op, acked: boolean][]): WriterLog[] {
  const writers: WriterLog[] = [0, 1].map((id) => ({ id, ops: [], acked: 0 }));
  let tick = 0;
  for (const [id, op, acked] of steps) {
    const w = writers[id] as WriterLog;
    const sendTick = tick++;
    w.ops.push({ op, sendTick, ackTick: acked ? tick++ : Number.POSITIVE_INFINITY });
    if (acked) w.acked = w.ops.length;
  }
  return writers;
}

/** The state after applying, in send order, the ops `applied` keeps. */
function stateOf(writers: WriterLog[], applied: (s: Sent) => boolean): Observed {
  const all = writers.flatMap((w) => w.ops).sort((x, y) => x.sendTick - y.sendTick);
  const counters = new Map<string, string | null>([0, 1, 2].map((i) => [`${P}ctr:${i}`, null]));
  const lists = new Map<string, string[]>(Array.from({ length: LISTS }, (_, i) => [`${P}list:${i}`, []]));
  const values = new Map<string, string | null>();
  for (const { op } of all) {
    if (op.kind === 'set') values.set(op.key, null);
    if (op.kind === 'tx') values.set(op.a, null).set(op.b, null);
  }
  for (const s of all) {
    if (!applied(s)) continue;
    const { op } = s;
    if (op.kind === 'incr') counters.set(op.key, String(Number(counters.get(op.key) ?? 0) + 1));
    else if (op.kind === 'set') values.set(op.key, op.value);
    else if (op.kind === 'push') lists.get(op.key)?.push(op.elem);
    else values.set(op.a, op.value).set(op.b, op.value);
  }
  const keys = [
    ...[...counters].filter(([, v]) => v !== null).map(([k]) => k),
    ...[...lists].filter(([, v]) => v.length > 0).map(([k]) => k),
    ...[...values].filter(([, v]) => v !== null).map(([k]) => k),
  ].sort();
  return { keys, counters, lists, values };
}

const ops = {
  incr: (): Op => ({ kind: 'incr', key: `${P}ctr:0` }),
  set: (w: number, i: number): Op => ({ kind: 'set', key: `${P}u:${w}:${i}`, value: `${w}.${i}` }),
  push: (w: number, i: number): Op => ({ kind: 'push', key: `${P}list:0`, elem: `${w}:${i}` }),
  tx: (w: number, i: number): Op => ({ kind: 'tx', a: `${P}a:${w}:${i}`, b: `${P}b:${w}:${i}`, value: `${w}.${i}` }),
};

const sample = () =>
  history([
    [0, ops.set(0, 0), true],
    [1, ops.push(1, 0), true],
    [0, ops.incr(), true],
    [1, ops.tx(1, 1), true],
    [0, ops.push(0, 2), true],
    [1, ops.incr(), true],
    [0, ops.tx(0, 3), true],
    [1, ops.set(1, 3), false],
    [0, ops.incr(), false],
  ]);

test('every prefix of the history passes; what is missing is counted as lost only when acknowledged', () => {
  const writers = sample();
  const sends = writers.flatMap((w) => w.ops.map((s) => s.sendTick)).sort((a, b) => a - b);
  for (const cut of [...sends, Number.POSITIVE_INFINITY]) {
    const stats = checkRound(
      P,
      writers,
      stateOf(writers, (s) => s.sendTick < cut),
      false,
      'prefix',
    );
    assert.equal(stats.sent, 9);
    assert.equal(stats.acked, 7);
  }
  const full = checkRound(
    P,
    writers,
    stateOf(writers, () => true),
    true,
    'all',
  );
  assert.deepEqual(full, { sent: 9, acked: 7, ackedWrites: 5, presentWrites: 6, lost: 0, unackedPresent: 1 });
  const acked = checkRound(
    P,
    writers,
    stateOf(writers, (s) => s.ackTick < Infinity),
    true,
    'acked',
  );
  assert.equal(acked.unackedPresent, 0);
  const torn = checkRound(
    P,
    writers,
    stateOf(writers, (s) => s.sendTick < 8),
    false,
    'torn',
  );
  assert.equal(torn.lost, 3, 'the push, the increment and the transaction sent from tick 8 on');
});

test('each kind of damage is rejected', () => {
  const writers = sample();
  const only = (drop: (s: Sent) => boolean) => stateOf(writers, (s) => !drop(s));
  const missingAcked = only((s) => s.op.kind === 'tx' && s.op.a.endsWith(':0:3'));
  assert.throws(() => checkRound(P, writers, missingAcked, true, 'x'), /acknowledged write 3 is missing/);

  const gap = only((s) => s.op.kind === 'push' && s.op.elem === '0:2');
  assert.throws(() => checkRound(P, writers, gap, false, 'x'), /write 3 present but 2 \(sent before it\) missing/);

  // Nothing of writer 1 (each writer's own prefix holds), yet writer 0's writes sent after its ack are there.
  const onlyW0 = stateOf(writers, (s) => writers[0]?.ops.includes(s) === true);
  assert.throws(() => checkRound(P, writers, onlyW0, false, 'x'), /1's write 0 is missing though a write sent after/);

  const half = only(() => false);
  half.values.set(`${P}b:0:3`, null);
  assert.throws(() => checkRound(P, writers, half, true, 'x'), /transaction half applied/);

  const reordered = only(() => false);
  reordered.lists.set(`${P}list:0`, ['0:2', '1:0']);
  assert.throws(() => checkRound(P, writers, reordered, true, 'x'), /before an element acknowledged before/);

  const doubled = only(() => false);
  doubled.lists.set(`${P}list:0`, ['1:0', '0:2', '0:2']);
  assert.throws(() => checkRound(P, writers, doubled, true, 'x'), /twice/);

  const overCounted = only(() => false);
  overCounted.counters.set(`${P}ctr:0`, '4');
  assert.throws(() => checkRound(P, writers, overCounted, true, 'x'), /ctr:0 = 4, expected 2\.\.3/);
  const underCounted = only(() => false);
  underCounted.counters.set(`${P}ctr:0`, '1');
  assert.throws(() => checkRound(P, writers, underCounted, true, 'x'), /ctr:0 = 1, expected 2\.\.3/);

  const stranger = only(() => false);
  stranger.keys.push(`${P}u:9:9`);
  assert.throws(() => checkRound(P, writers, stranger, true, 'x'), /u:9:9 exists but was never written/);

  const wrongValue = only(() => false);
  wrongValue.values.set(`${P}u:0:0`, 'other');
  assert.throws(() => checkRound(P, writers, wrongValue, true, 'x'), /u:0:0 = other/);
});
