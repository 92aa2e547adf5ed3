import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { monthlyCost, PRESET_PLANS, planSet } from './plans.ts';

describe('planSet', () => {
  it('holds the presets by name', () => {
    const plans = planSet();
    assert.deepEqual(
      [...plans.keys()],
      PRESET_PLANS.map((p) => p.name),
    );
    const free = plans.get('free');
    assert.equal(free?.dailyCommands, 10_000);
    assert.equal(free?.maxDataBytes, 256 * 2 ** 20);
    assert.equal(free?.maxRequestBytes, 2 ** 20);
    assert.equal(plans.get('payg')?.dailyCommands, 0);
    assert.equal(plans.get('payg')?.maxDataBytes, 100 * 2 ** 30);
    assert.equal(plans.get('pro-2k')?.dailyCommands, 2_000_000);
    assert.equal(plans.get('pro-2k')?.maxDataBytes, 2 ** 30);
  });

  it('overrides a preset by name, keeping the fields not given', () => {
    const plans = planSet([{ name: 'free', dailyCommands: 50 }]);
    const free = plans.get('free');
    assert.equal(free?.dailyCommands, 50);
    assert.equal(free?.maxDataBytes, 256 * 2 ** 20);
    // The presets themselves are untouched.
    assert.equal(PRESET_PLANS.find((p) => p.name === 'free')?.dailyCommands, 10_000);
  });

  it('adds a new plan based on payg', () => {
    const plans = planSet([{ name: 'tiny', dailyCommands: 10 }]);
    const tiny = plans.get('tiny');
    const payg = plans.get('payg');
    assert.deepEqual(tiny, { ...payg, name: 'tiny', dailyCommands: 10 });
  });

  it('refuses what is not a list of plan objects', () => {
    assert.throws(() => planSet({}), /must be a JSON array/);
    assert.throws(() => planSet([null]), /plan #0 is not an object/);
    assert.throws(() => planSet([{ name: 'ok' }, 3]), /plan #1 is not an object/);
  });

  it('refuses bad names', () => {
    assert.throws(() => planSet([{}]), /plan #0: name must be/);
    assert.throws(() => planSet([{ name: 'Upper' }]), /plan #0: name must be/);
    assert.throws(() => planSet([{ name: '-lead' }]), /name must be/);
    assert.throws(() => planSet([{ name: 'x'.repeat(65) }]), /name must be/);
    assert.doesNotThrow(() => planSet([{ name: 'x'.repeat(64) }]));
  });

  it('refuses negative, non-finite or non-numeric limits and unknown fields', () => {
    assert.throws(() => planSet([{ name: 'a', dailyCommands: -1 }]), /plan a: dailyCommands must be ≥ 0/);
    assert.throws(() => planSet([{ name: 'a', maxDataBytes: Number.POSITIVE_INFINITY }]), /maxDataBytes must be ≥ 0/);
    assert.throws(() => planSet([{ name: 'a', pricePer100k: '0.2' }]), /pricePer100k must be ≥ 0/);
    assert.throws(() => planSet([{ name: 'a', dailyCommand: 5 }]), /plan a: unknown field dailyCommand/);
  });
});

describe('monthlyCost', () => {
  it('prices payg per command: 100,000 commands cost $0.20', () => {
    const payg = planSet().get('payg');
    assert.ok(payg);
    assert.equal(monthlyCost(payg, 100_000), 0.2);
    assert.equal(monthlyCost(payg, 0), 0);
    assert.equal(monthlyCost(payg, 1_000_000), 2);
    // Rounded to the cent.
    assert.equal(monthlyCost(payg, 2_499), 0);
    assert.equal(monthlyCost(payg, 2_500), 0.01);
  });

  it('prices pro-2k flat at $10 whatever the use', () => {
    const pro = planSet().get('pro-2k');
    assert.ok(pro);
    assert.equal(monthlyCost(pro, 0), 10);
    assert.equal(monthlyCost(pro, 60_000_000), 10);
  });

  it('costs nothing on free', () => {
    const free = planSet().get('free');
    assert.ok(free);
    assert.equal(monthlyCost(free, 300_000), 0);
  });
});
