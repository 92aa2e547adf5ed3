import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Engine } from '@redstash/engine';
import { ManualClock } from '@redstash/engine/testing';
import { Platform, PlatformError, type PlatformOptions, USAGE_FILE } from './platform.ts';
import { REGISTRY_FILE } from './registry.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A platform over engines on one manual clock, noting which runtimes were closed and destroyed. */
function platform(options: Partial<PlatformOptions> = {}) {
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock(Date.UTC(2026, 4, 10, 12));
  const closed: string[] = [];
  const destroyed: string[] = [];
  const p = new Platform({
    clock,
    open: (record) => ({ engine: new Engine({ clock }), close: () => closed.push(record.id) }),
    destroy: (record) => destroyed.push(record.id),
    ...options,
  });
  return { p, clock, closed, destroyed };
}

function status(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof PlatformError) return err.status;
    throw err;
  }
  return undefined;
}

describe('Platform (memory only)', () => {
  it('creates databases reached by their own tokens only', () => {
    const { p } = platform();
    const a = p.create({ name: 'a' });
    const b = p.create({ name: 'b', plan: 'payg', eviction: true });
    assert.deepEqual(
      p.list().map((d) => d.record.name),
      ['a', 'b'],
    );
    assert.equal(a.database.plan.name, 'free');
    assert.equal(b.database.record.eviction, true);
    assert.notEqual(a.tokens.token, a.tokens.readonlyToken);
    const ga = p.authenticate(a.tokens.token);
    const gaRo = p.authenticate(a.tokens.readonlyToken);
    const gb = p.authenticate(b.tokens.token);
    assert.equal(ga?.database, a.database);
    assert.equal(ga?.readonly, false);
    assert.equal(gaRo?.database, a.database);
    assert.equal(gaRo?.readonly, true);
    assert.equal(gb?.database, b.database);
    assert.notEqual(ga?.engine, gb?.engine);
    assert.equal(ga?.meter, a.database);
    assert.equal(ga?.maxRequestBytes, 2 ** 20);
    assert.equal(a.database.engine.quota, a.database.quota);
    assert.equal(p.authenticate('nope'), undefined);
    // Only digests are kept.
    assert.notEqual(a.database.record.tokenDigest, a.tokens.token);
  });

  it('finds by id or name, and answers 404 otherwise', () => {
    const { p } = platform();
    const { database } = p.create({ name: 'cache' });
    assert.equal(p.find('cache'), database);
    assert.equal(p.find(database.record.id), database);
    assert.equal(p.get(database.record.id), database);
    assert.equal(
      status(() => p.find('other')),
      404,
    );
    assert.equal(
      status(() => p.get('cache')),
      404,
    );
  });

  it('refuses bad names, taken names and unknown plans with 400', () => {
    const { p } = platform();
    p.create({ name: 'a' });
    assert.equal(
      status(() => p.create({ name: 'a' })),
      400,
    );
    assert.equal(
      status(() => p.create({ name: '' })),
      400,
    );
    assert.equal(
      status(() => p.create({ name: 'has space' })),
      400,
    );
    assert.equal(
      status(() => p.create({ name: 'x'.repeat(65) })),
      400,
    );
    assert.equal(
      status(() => p.create({ name: 'b', plan: 'gold' })),
      400,
    );
    assert.equal(p.list().length, 1);
  });

  it('renames, keeping the name unique', () => {
    const { p } = platform();
    const a = p.create({ name: 'a' }).database;
    p.create({ name: 'b' });
    p.rename(a.record.id, 'a2');
    assert.equal(p.find('a2'), a);
    assert.equal(
      status(() => p.find('a')),
      404,
    );
    assert.equal(
      status(() => p.rename(a.record.id, 'b')),
      400,
    );
    p.rename(a.record.id, 'a2');
    assert.equal(a.record.name, 'a2');
  });

  it('changes plan and eviction, effective on the next request', () => {
    const { p } = platform();
    const { database, tokens } = p.create({ name: 'a' });
    const grant = p.authenticate(tokens.token);
    assert.equal(grant?.maxRequestBytes, 2 ** 20);
    p.changePlan(database.record.id, 'payg');
    assert.equal(database.plan.name, 'payg');
    assert.equal(database.record.plan, 'payg');
    assert.equal(grant?.maxRequestBytes, 10 * 2 ** 20);
    assert.equal(
      status(() => p.changePlan(database.record.id, 'gold')),
      400,
    );
    assert.equal(database.plan.name, 'payg');
    p.setEviction(database.record.id, true);
    assert.equal(database.record.eviction, true);
  });

  it('rotates tokens: the old ones are refused at once', () => {
    const { p } = platform();
    const { database, tokens } = p.create({ name: 'a' });
    const fresh = p.resetPassword(database.record.id);
    assert.equal(p.authenticate(tokens.token), undefined);
    assert.equal(p.authenticate(tokens.readonlyToken), undefined);
    assert.equal(p.authenticate(fresh.token)?.database, database);
    assert.equal(p.authenticate(fresh.readonlyToken)?.readonly, true);
    assert.notEqual(fresh.token, tokens.token);
  });

  it('deletes a database: its tokens are refused, its runtime closed and data destroyed', () => {
    const { p, closed, destroyed } = platform();
    const a = p.create({ name: 'a' });
    const b = p.create({ name: 'b' });
    p.delete(a.database.record.id);
    assert.equal(p.authenticate(a.tokens.token), undefined);
    assert.equal(p.authenticate(a.tokens.readonlyToken), undefined);
    assert.equal(p.authenticate(b.tokens.token)?.database, b.database);
    assert.deepEqual(closed, [a.database.record.id]);
    assert.deepEqual(destroyed, [a.database.record.id]);
    assert.equal(
      status(() => p.get(a.database.record.id)),
      404,
    );
    assert.equal(
      status(() => p.delete(a.database.record.id)),
      404,
    );
    assert.deepEqual(
      p.list().map((d) => d.record.name),
      ['b'],
    );
  });

  it('keeps one default database; its tokens follow the operator’s; it cannot be deleted', () => {
    const { p } = platform();
    const first = p.ensureDefault({ token: 'one', readonlyToken: 'one-ro' });
    assert.equal(first.record.isDefault, true);
    assert.equal(first.plan.name, 'unlimited');
    assert.equal(first.record.dataPath, '');
    assert.equal(p.authenticate('one')?.database, first);
    assert.equal(p.ensureDefault({ token: 'one', readonlyToken: 'one-ro' }), first);
    const again = p.ensureDefault({ token: 'two', readonlyToken: 'two-ro' });
    assert.equal(again, first);
    assert.equal(p.authenticate('one'), undefined);
    assert.equal(p.authenticate('one-ro'), undefined);
    assert.equal(p.authenticate('two')?.database, first);
    assert.equal(p.authenticate('two-ro')?.readonly, true);
    assert.equal(p.list().length, 1);
    assert.equal(
      status(() => p.delete(first.record.id)),
      400,
    );
    assert.equal(p.authenticate('two')?.database, first);
    // A token that already opens another database cannot be given to the default one.
    const { tokens } = p.create({ name: 'other' });
    assert.throws(
      () => p.ensureDefault({ token: tokens.token, readonlyToken: 'x-ro' }),
      /a token given for the default database already opens database other/,
    );
  });

  it('with metering off, routes and isolates but neither meters nor limits', () => {
    const { p } = platform({ metering: false });
    const { database, tokens } = p.create({ name: 'a' });
    const grant = p.authenticate(tokens.token);
    assert.equal(grant?.meter, undefined);
    assert.equal(database.engine.quota, undefined);
    const client = database.engine.createClient();
    for (let i = 0; i < 10; i++) database.engine.exec(client, ['SET', 'k', 'v']);
    assert.equal(database.ledger.commands, 0);
  });

  it('rolls ledgers to the next UTC day on tick', () => {
    const { p, clock } = platform();
    const { database } = p.create({ name: 'a' });
    database.engine.exec(database.engine.createClient(), ['SET', 'k', 'v']);
    assert.equal(database.ledger.commands, 1);
    clock.set(Date.UTC(2026, 4, 11));
    p.tick();
    assert.equal(database.ledger.day, '2026-05-11');
    assert.equal(database.ledger.commands, 0);
    assert.equal(database.ledger.history.at(-1)?.commands, 1);
  });
});

describe('Platform (durable)', () => {
  it('keeps the registry and usage across a restart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'redstash-platform-'));
    dirs.push(dir);
    const clock = new ManualClock(Date.UTC(2026, 4, 10, 12));
    const first = platform({ clock, dataDir: dir }).p;
    first.ensureDefault({ token: 'admin', readonlyToken: 'admin-ro' });
    const { database, tokens } = first.create({ name: 'a', plan: 'payg' });
    const client = database.engine.createClient();
    for (let i = 0; i < 5; i++) database.engine.exec(client, ['SET', `k${i}`, 'v']);
    database.engine.exec(client, ['GET', 'k0']);
    database.leave(100, 50, 1);
    for (let i = 0; i < 99; i++) database.latency.record(0.05);
    database.latency.record(40);
    const percentiles = [database.latency.quantile(0.5), database.latency.quantile(0.99), database.latency.quantile(1)];
    first.tick();
    assert.equal(database.ledger.dirty, false);
    assert.ok(existsSync(join(dir, USAGE_FILE)));
    assert.ok(existsSync(join(dir, REGISTRY_FILE)));
    assert.equal(JSON.parse(readFileSync(join(dir, USAGE_FILE), 'utf8')).format, 'redstash-usage');
    // Counted after the last flush: close() saves it.
    database.engine.exec(client, ['GET', 'k1']);
    first.close();

    clock.advance(60_000);
    const second = platform({ clock, dataDir: dir }).p;
    const restored = second.find('a');
    assert.equal(restored.record.id, database.record.id);
    assert.equal(restored.plan.name, 'payg');
    assert.equal(restored.ledger.commands, 7);
    assert.equal(restored.ledger.writes, 5);
    assert.equal(restored.ledger.reads, 2);
    assert.equal(restored.ledger.bytesIn, 100);
    assert.deepEqual(restored.ledger.current().byCommand, { SET: 5, GET: 2 });
    // Today's service-time percentiles too: the histogram is saved with the counters.
    assert.equal(restored.latency.count, 101);
    assert.deepEqual(
      [restored.latency.quantile(0.5), restored.latency.quantile(0.99), restored.latency.quantile(1)],
      percentiles,
    );
    assert.equal(second.authenticate(tokens.token)?.database, restored);
    assert.equal(second.authenticate('admin')?.database.record.isDefault, true);
    // Counting continues from the restored figures.
    restored.engine.exec(restored.engine.createClient(), ['GET', 'k0']);
    assert.equal(restored.ledger.commands, 8);
    assert.deepEqual(restored.ledger.current().byCommand, { SET: 5, GET: 3 });

    // A restart the next day finds yesterday in the history.
    second.close();
    clock.set(Date.UTC(2026, 4, 11, 1));
    const third = platform({ clock, dataDir: dir }).p;
    const later = third.find('a');
    assert.equal(later.ledger.commands, 0);
    assert.equal(later.latency.count, 0, 'a new day starts a new histogram');
    const kept = Object.values(later.ledger.history.at(-1)?.latency ?? {});
    assert.equal(
      kept.reduce((a, b) => a + b, 0),
      101,
      "yesterday's histogram is kept in the history",
    );
    assert.deepEqual(
      later.ledger.history.map((d) => [d.day, d.commands]),
      [['2026-05-10', 8]],
    );
    third.close();
  });

  it('sets a damaged usage file aside and counts afresh instead of refusing to start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'redstash-platform-'));
    dirs.push(dir);
    const first = platform({ dataDir: dir }).p;
    first.create({ name: 'a' });
    first.close();
    writeFileSync(join(dir, USAGE_FILE), '{ torn');
    const errors: string[] = [];
    const logger = { info() {}, warn() {}, error: (_o: object, msg?: string) => errors.push(msg ?? '') };
    const second = platform({ dataDir: dir, logger }).p;
    assert.equal(second.find('a').ledger.commands, 0);
    assert.deepEqual(errors, ['usage counters unreadable: set aside, counting afresh']);
    assert.ok(readdirSync(dir).some((f) => f.startsWith(`${USAGE_FILE}.damaged-`)));
    second.close();
  });
});
