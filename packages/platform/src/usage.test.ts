import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DAY_MS, dayName, UsageLedger } from './usage.ts';

const at = (iso: string) => Date.parse(iso);

describe('dayName', () => {
  it('names the UTC day', () => {
    assert.equal(dayName(at('2026-03-05T23:59:59.999Z')), '2026-03-05');
    assert.equal(dayName(at('2026-03-06T00:00:00.000Z')), '2026-03-06');
  });
});

describe('UsageLedger', () => {
  it('rolls to a new day at UTC midnight, archiving the old one', () => {
    const ledger = new UsageLedger(at('2026-03-05T12:00:00Z'));
    assert.equal(ledger.day, '2026-03-05');
    assert.equal(ledger.dayEnd, at('2026-03-06T00:00:00Z'));
    ledger.commands = 7;
    ledger.reads = 4;
    ledger.writes = 3;
    ledger.bytesIn = 100;
    ledger.counter('GET', false).count = 4;
    ledger.roll(at('2026-03-05T23:59:59.999Z'));
    assert.equal(ledger.day, '2026-03-05', 'not yet midnight');
    assert.equal(ledger.history.length, 0);
    ledger.roll(at('2026-03-06T00:00:00Z'));
    assert.equal(ledger.day, '2026-03-06');
    assert.equal(ledger.dayEnd, at('2026-03-07T00:00:00Z'));
    assert.equal(ledger.commands, 0);
    assert.equal(ledger.reads, 0);
    assert.equal(ledger.bytesIn, 0);
    assert.equal(ledger.counter('GET', false).count, 0);
    assert.equal(ledger.dirty, true);
    assert.deepEqual(ledger.history, [
      {
        day: '2026-03-05',
        commands: 7,
        reads: 4,
        writes: 3,
        bytesIn: 100,
        bytesOut: 0,
        storage: 0,
        byCommand: { GET: 4 },
      },
    ]);
    assert.deepEqual(
      ledger.days().map((d) => d.day),
      ['2026-03-05', '2026-03-06'],
    );
  });

  it('keeps history from the first day of the previous month on', () => {
    const ledger = new UsageLedger(at('2026-01-30T10:00:00Z'));
    for (let t = at('2026-01-31T10:00:00Z'); t <= at('2026-03-02T10:00:00Z'); t += DAY_MS) {
      ledger.commands = 1;
      ledger.roll(t);
    }
    assert.equal(ledger.day, '2026-03-02');
    // January is gone; all of February and March 1st are kept.
    assert.equal(ledger.history[0]?.day, '2026-02-01');
    assert.equal(ledger.history.at(-1)?.day, '2026-03-01');
    assert.equal(ledger.history.length, 29);
  });

  it('selects the days of the month holding now', () => {
    const ledger = new UsageLedger(at('2026-02-28T10:00:00Z'));
    ledger.commands = 5;
    ledger.roll(at('2026-03-01T10:00:00Z'));
    ledger.commands = 6;
    ledger.roll(at('2026-03-02T10:00:00Z'));
    ledger.commands = 7;
    assert.deepEqual(
      ledger.month(at('2026-03-02T23:00:00Z')).map((d) => [d.day, d.commands]),
      [
        ['2026-03-01', 6],
        ['2026-03-02', 7],
      ],
    );
    assert.deepEqual(
      ledger.month(at('2026-02-10T00:00:00Z')).map((d) => [d.day, d.commands]),
      [['2026-02-28', 5]],
    );
    assert.deepEqual(ledger.month(at('2026-04-01T00:00:00Z')), []);
  });

  it('round-trips through JSON: the current day continues, older days become history', () => {
    const old = new UsageLedger(at('2026-03-04T10:00:00Z'));
    old.commands = 2;
    old.roll(at('2026-03-05T10:00:00Z'));
    old.commands = 9;
    old.reads = 5;
    old.writes = 4;
    old.bytesIn = 11;
    old.bytesOut = 12;
    old.storage = 13;
    old.counter('SET', false).count = 4;
    old.counter('GET', false).count = 5;
    const saved = JSON.parse(JSON.stringify(old));

    const same = new UsageLedger(at('2026-03-05T20:00:00Z'));
    same.restore(saved);
    assert.equal(same.commands, 9);
    assert.equal(same.reads, 5);
    assert.equal(same.writes, 4);
    assert.equal(same.bytesOut, 12);
    assert.equal(same.storage, 13);
    assert.deepEqual(same.current().byCommand, { SET: 4, GET: 5 });
    assert.deepEqual(
      same.history.map((d) => [d.day, d.commands]),
      [['2026-03-04', 2]],
    );
    // Counting continues on the restored counters.
    same.counter('GET', false).count++;
    assert.equal(same.current().byCommand.GET, 6);

    // Restored the next day: both saved days are history, today starts at zero.
    const next = new UsageLedger(at('2026-03-06T01:00:00Z'));
    next.restore(saved);
    assert.equal(next.commands, 0);
    assert.deepEqual(next.current().byCommand, {});
    assert.deepEqual(
      next.history.map((d) => [d.day, d.commands]),
      [
        ['2026-03-04', 2],
        ['2026-03-05', 9],
      ],
    );
  });

  it('ignores days after today and malformed input', () => {
    const ledger = new UsageLedger(at('2026-03-05T10:00:00Z'));
    ledger.restore(undefined);
    ledger.restore(null);
    ledger.restore('days');
    ledger.restore({ days: 'x' });
    ledger.restore({
      days: [
        null,
        7,
        { day: 'yesterday', commands: 1 },
        { day: '2026-03-06', commands: 99 },
        { day: '2026-03-04', commands: -1, reads: 'x', writes: 3, bytesIn: Number.NaN, byCommand: { GET: -2, SET: 3 } },
        { day: '2026-03-03', byCommand: 'GET' },
      ],
    });
    assert.equal(ledger.commands, 0);
    assert.deepEqual(ledger.history, [
      { day: '2026-03-03', commands: 0, reads: 0, writes: 0, bytesIn: 0, bytesOut: 0, storage: 0, byCommand: {} },
      {
        day: '2026-03-04',
        commands: 0,
        reads: 0,
        writes: 3,
        bytesIn: 0,
        bytesOut: 0,
        storage: 0,
        byCommand: { SET: 3 },
      },
    ]);
  });
});
