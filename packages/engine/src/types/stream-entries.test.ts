import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../testing/index.ts';
import { packFields } from './packed-fields.ts';
import { EntryIndex } from './stream-entries.ts';
import { MAX_ID, MIN_ID, makeId, type StreamId } from './stream-id.ts';

type Model = [StreamId, string][];
/** Sequence numbers with 0xff and 0xf0 bytes, so the in-place ID comparison sees bytes above 0x7f. */
const SEQ = 0xfff0000000;

function check(index: EntryIndex, model: Model, from: StreamId, to: StreamId, rev: boolean, count: number): void {
  const got: [StreamId, string][] = [];
  index.range(from, to, rev, (id, packed) => {
    got.push([id, packed]);
    return count === 0 || got.length < count;
  });
  let want = model.filter(([id]) => id >= from && id <= to);
  if (rev) want = want.slice().reverse();
  if (count > 0) want = want.slice(0, count);
  assert.deepEqual(got, want);
}

test('property: sealed and open nodes agree with a sorted-array model under appends, deletes, head drops and seeks', () => {
  const random = seededRandom(99);
  const int = (n: number) => Math.floor(random() * n);
  for (let round = 0; round < 30; round++) {
    const index = new EntryIndex(1 + int(12));
    let model: Model = [];
    let ms = 2 ** 40 + int(1000);
    for (let step = 0; step < 500; step++) {
      const op = int(20);
      if (op < 9) {
        ms += int(3);
        const id = makeId(ms, SEQ + step);
        const packed = packFields(['f', `v${step}`, 'x'.repeat(int(3) === 0 ? 300 : int(4))]);
        index.append(id, packed, int(8) === 0);
        model.push([id, packed]);
      } else if (op < 13 && model.length > 0) {
        const [id, packed] = model[int(model.length)] as [StreamId, string];
        assert.equal(index.get(id), packed);
        const nodes = index.nodes.length;
        const deleted = index.delete(id);
        // The node itself comes back when the delete emptied it, and it is gone from the index.
        assert.equal(deleted !== true, index.nodes.length === nodes - 1);
        model = model.filter(([m]) => m !== id);
        assert.equal(index.delete(id), false);
      } else if (op === 13 && index.nodes.length > 0) {
        const head = index.head();
        const dropped = index.dropFirstNode()?.n ?? 0;
        assert.ok(dropped > 0);
        assert.deepEqual(
          head?.ids,
          model.slice(0, dropped).map(([id]) => id),
        );
        model = model.slice(dropped);
      } else if (op === 14 && model.length > 0) {
        const [id, packed] = model[int(model.length)] as [StreamId, string];
        assert.equal(index.get(id), packed);
        assert.equal(index.get(makeId(ms + 5, 0)), undefined);
      } else if (op === 15) {
        const probe = makeId(2 ** 40 + int(ms - 2 ** 40 + 3), SEQ + int(510));
        assert.equal(index.ceilingKey(probe), model.find(([id]) => id >= probe)?.[0]);
      } else {
        const pick = () => makeId(2 ** 40 + int(ms - 2 ** 40 + 3), SEQ + int(510));
        const [from, to] = [pick(), pick()].sort() as [StreamId, StreamId];
        check(index, model, from, to, random() < 0.5, int(5));
      }
      assert.equal(index.size, model.length);
      assert.equal(index.firstKey(), model[0]?.[0]);
      assert.equal(index.lastKey(), model.at(-1)?.[0]);
    }
    check(index, model, MIN_ID, MAX_ID, false, 0);
    check(index, model, MIN_ID, MAX_ID, true, 0);
    assert.deepEqual([...index], model);
    // A copy is independent of later changes to the original, sealed nodes included.
    const copy = new EntryIndex(4);
    copy.copyFrom(index);
    for (const [id] of model.slice(0, 5)) index.delete(id);
    index.append(makeId(ms + 10, 0), 'z');
    assert.deepEqual([...copy], model);
  }
});

test('closed nodes are sealed into one flat string; the open tail keeps its arrays', () => {
  const index = new EntryIndex(3);
  for (let i = 1; i <= 7; i++) index.append(makeId(i, 0), packFields(['f', String(i)]));
  assert.deepEqual(index.nodeSizes(), [3, 3, 1]);
  const [a, b, tail] = index.nodes;
  assert.equal(a?.ids, undefined);
  assert.equal(a?.data.length, 3 * (16 + 4));
  assert.deepEqual([...(b?.at ?? [])], [0, 20, 40]);
  assert.deepEqual(tail?.ids, [makeId(7, 0)]);
  // Deleting inside a sealed node rewrites it; its first ID follows.
  index.delete(makeId(4, 0));
  assert.equal(index.nodes[1]?.first, makeId(5, 0));
  assert.deepEqual([...(index.nodes[1]?.at ?? [])], [0, 20]);
  assert.deepEqual(
    [...index].map(([id]) => id),
    [1, 2, 3, 5, 6, 7].map((i) => makeId(i, 0)),
  );
});
