import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from '../command/errors.ts';
import { DoubleReply, NIL_ARRAY, type Reply } from '../reply.ts';
import { createTestEngine } from '../testing/index.ts';

/** Scores in replies as numbers. */
const plain = (r: Reply): unknown => (Array.isArray(r) ? r.map(plain) : r instanceof DoubleReply ? r.value : r);

const SICILY = ['13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'];

test('GEOADD stores the 52-bit geohash as the zset score and honours NX, XX and CH', () => {
  const { run } = createTestEngine();
  assert.equal(run('geoadd', 'g', ...SICILY), 2);
  assert.equal(plain(run('zscore', 'g', 'Palermo')), 3479099956230698);
  assert.equal(run('geoadd', 'g', 'nx', '1', '1', 'Palermo', '2', '2', 'x'), 1);
  assert.equal(plain(run('zscore', 'g', 'Palermo')), 3479099956230698, 'NX leaves existing members');
  assert.equal(run('geoadd', 'g', 'xx', '1', '1', 'Palermo', '3', '3', 'y'), 0);
  assert.equal(run('zscore', 'g', 'y'), null, 'XX adds nothing');
  assert.equal(run('geoadd', 'g', 'ch', '5', '5', 'Palermo', '4', '4', 'z'), 2, 'CH counts the change too');
  assert.equal(run('geoadd', 'g', 'xx', 'nx', '1', '1', 'a'), E.SYNTAX);
  assert.equal(run('geoadd', 'g', '1', '1', 'a', '2'), E.SYNTAX);
  assert.deepEqual(run('geoadd', 'g', '181', '0', 'a'), E.geoInvalidPair('181.000000', '0.000000'));
  assert.deepEqual(run('geoadd', 'g', '0', '-85.1', 'a'), E.geoInvalidPair('0.000000', '-85.100000'));
  assert.equal(run('geoadd', 'g', 'x', '0', 'a'), E.NOT_FLOAT);
  assert.deepEqual(run('geoadd', 'g', '1', '1', 'ok', '500', '1', 'bad'), E.geoInvalidPair('500.000000', '1.000000'));
  assert.equal(run('zscore', 'g', 'ok'), null, 'a bad pair anywhere adds nothing');
});

test('GEOPOS answers cell centres in Redis digits, nil arrays for the missing', () => {
  const { run } = createTestEngine();
  run('geoadd', 'g', ...SICILY, '180', '85.05112878', 'corner');
  assert.deepEqual(run('geopos', 'g', 'Palermo', 'missing', 'corner'), [
    ['13.36138933897018433', '38.11555639549629859'],
    NIL_ARRAY,
    ['180', '85.0511287799999991'],
  ]);
  assert.deepEqual(run('geopos', 'nokey', 'a'), [NIL_ARRAY]);
  run('set', 's', 'v');
  assert.equal(run('geopos', 's', 'a'), E.WRONGTYPE);
});

test('GEODIST uses the haversine distance, in the unit asked, four decimals', () => {
  const { run } = createTestEngine();
  run('geoadd', 'g', ...SICILY);
  assert.equal(run('geodist', 'g', 'Palermo', 'Catania'), '166274.1516');
  assert.equal(run('geodist', 'g', 'Palermo', 'Catania', 'KM'), '166.2742');
  assert.equal(run('geodist', 'g', 'Palermo', 'Catania', 'mi'), '103.3182');
  assert.equal(run('geodist', 'g', 'Palermo', 'Catania', 'ft'), '545518.8700');
  assert.equal(run('geodist', 'g', 'Palermo', 'Palermo'), '0.0000');
  assert.equal(run('geodist', 'g', 'Palermo', 'missing'), null);
  assert.equal(run('geodist', 'nokey', 'a', 'b'), null);
  assert.equal(run('geodist', 'g', 'Palermo', 'Catania', 'yd'), E.GEO_UNIT);
  assert.equal(run('geodist', 'g', 'Palermo', 'Catania', 'km', 'x'), E.SYNTAX);
});

test('GEOHASH gives 11-character standard geohashes', () => {
  const { run } = createTestEngine();
  run('geoadd', 'g', ...SICILY);
  assert.deepEqual(run('geohash', 'g', 'Palermo', 'Catania', 'missing'), ['sqc8b49rny0', 'sqdtr74hyu0', null]);
  assert.deepEqual(run('geohash', 'nokey', 'a'), [null]);
});

test('GEORADIUS and GEOSEARCH filter, order, count and decorate results', () => {
  const { run } = createTestEngine();
  run('geoadd', 'g', ...SICILY, '12.758489', '38.788135', 'edge1', '17.241510', '38.788135', 'edge2');
  assert.deepEqual(run('georadius', 'g', '15', '37', '200', 'km', 'asc'), ['Catania', 'Palermo']);
  assert.deepEqual(run('georadius', 'g', '15', '37', '200', 'km', 'desc', 'withdist'), [
    ['Palermo', '190.4424'],
    ['Catania', '56.4413'],
  ]);
  assert.deepEqual(
    run('geosearch', 'g', 'fromlonlat', '15', '37', 'byradius', '200', 'km', 'asc', 'withhash', 'withcoord'),
    [
      ['Catania', 3479447370796909, ['15.08726745843887329', '37.50266842333162032']],
      ['Palermo', 3479099956230698, ['13.36138933897018433', '38.11555639549629859']],
    ],
  );
  assert.deepEqual(run('geosearch', 'g', 'frommember', 'Palermo', 'bybox', '400', '400', 'km', 'asc'), [
    'Palermo',
    'edge1',
    'Catania',
  ]);
  assert.deepEqual(run('georadius', 'g', '15', '37', '500', 'km', 'count', '1'), ['Catania'], 'COUNT implies ASC');
  assert.equal((run('georadius', 'g', '15', '37', '500', 'km', 'count', '2', 'any') as unknown[]).length, 2);
  assert.deepEqual(run('georadiusbymember', 'g', 'Palermo', '100', 'km'), ['Palermo', 'edge1'], 'unsorted: cell order');
  assert.deepEqual(run('georadius', 'nokey', '15', '37', '200', 'km'), []);
  assert.equal(run('georadiusbymember', 'g', 'nope', '100', 'km'), E.GEO_MEMBER_UNDECODABLE);
  assert.equal(run('georadius', 'g', '15', '37', '-1', 'km'), E.GEO_NEGATIVE_RADIUS);
  assert.equal(run('georadius', 'g', '15', '37', 'x', 'km'), E.GEO_NEED_RADIUS);
  assert.equal(run('georadius', 'g', '15', '37', '1', 'km', 'count', '0'), E.GEO_COUNT_POSITIVE);
  assert.equal(run('georadius', 'g', '15', '37', '1', 'km', 'any'), E.GEO_ANY_NEEDS_COUNT);
  assert.deepEqual(
    run('georadius', 'g', '15', '37', '1', 'km', 'store', 'd', 'withdist'),
    E.geoStoreIncompatible('STORE option in GEORADIUS'),
  );
  assert.equal(run('georadius_ro', 'g', '15', '37', '1', 'km', 'store', 'd'), E.SYNTAX);
  assert.deepEqual(run('geosearch', 'g', 'byradius', '1', 'km', 'asc', 'withdist'), E.geoNeedFrom('geosearch'));
  assert.deepEqual(run('geosearch', 'g', 'fromlonlat', '1', '1', 'asc', 'withdist'), E.geoNeedBy('geosearch'));
  assert.equal(run('geosearch', 'g', 'fromlonlat', '1', '1', 'byradius', '1', 'km', 'bybox', '1', '1', 'km'), E.SYNTAX);
  assert.equal(run('geosearch', 'g', 'fromlonlat', '1', '1', 'bybox', '-1', '1', 'km'), E.GEO_NEGATIVE_BOX);
});

test('GEORADIUS STORE/STOREDIST and GEOSEARCHSTORE write a sorted set and propagate as sent', () => {
  const { run, effects } = createTestEngine();
  run('geoadd', 'g', ...SICILY);
  effects.length = 0;
  assert.equal(run('georadius', 'g', '15', '37', '200', 'km', 'store', 'd'), 2);
  assert.deepEqual(plain(run('zrange', 'd', '0', '-1', 'withscores')), [
    'Palermo',
    3479099956230698,
    'Catania',
    3479447370796909,
  ]);
  assert.equal(run('geosearchstore', 'd2', 'g', 'fromlonlat', '15', '37', 'byradius', '100', 'km', 'storedist'), 1);
  assert.deepEqual(plain(run('zrange', 'd2', '0', '-1', 'withscores')), ['Catania', 56.4412578701582]);
  assert.equal(run('geosearchstore', 'd2', 'g', 'fromlonlat', '15', '37', 'byradius', '1', 'm'), 0);
  assert.equal(run('exists', 'd2'), 0, 'an empty result deletes the destination');
  assert.deepEqual(effects, [
    ['georadius', 'g', '15', '37', '200', 'km', 'store', 'd'],
    ['geosearchstore', 'd2', 'g', 'fromlonlat', '15', '37', 'byradius', '100', 'km', 'storedist'],
    ['geosearchstore', 'd2', 'g', 'fromlonlat', '15', '37', 'byradius', '1', 'm'],
  ]);
  assert.deepEqual(run('command', 'getkeys', 'georadius', 'g', '1', '1', '1', 'km', 'store', 'd'), ['g', 'd']);
});
