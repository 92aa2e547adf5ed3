/** The GEO commands through the real `@upstash/redis` client, over the REST server. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestEngine } from '@redstash/engine/testing';
import { startTestServer } from '@redstash/server/testing';
import { client } from './support.ts';

test('@upstash/redis geoadd, geopos, geodist, geohash, geosearch and geosearchstore', async () => {
  const { engine } = createTestEngine();
  const srv = await startTestServer({ engine });
  try {
    for (const autoPipeline of [true, false]) {
      const r = client(srv, autoPipeline);
      await r.flushall();
      const added = await r.geoadd(
        'sicily',
        { longitude: 13.361389, latitude: 38.115556, member: 'Palermo' },
        { longitude: 15.087269, latitude: 37.502669, member: 'Catania' },
      );
      assert.equal(added, 2);
      assert.equal(await r.geoadd('sicily', { nx: true }, { longitude: 1, latitude: 1, member: 'Palermo' }), 0);
      assert.deepEqual(await r.geopos('sicily', 'Palermo', 'missing'), [
        { lng: 13.361389338970184, lat: 38.1155563954963 },
      ]);
      assert.equal(await r.geodist('sicily', 'Palermo', 'Catania'), 166274.1516);
      assert.equal(await r.geodist('sicily', 'Palermo', 'Catania', 'KM'), 166.2742);
      assert.equal(await r.geodist('sicily', 'Palermo', 'missing'), null);
      assert.deepEqual(await r.geohash('sicily', 'Palermo', 'Catania', 'missing'), [
        'sqc8b49rny0',
        'sqdtr74hyu0',
        null,
      ]);
      const found = await r.geosearch(
        'sicily',
        { type: 'FROMLONLAT', coordinate: { lon: 15, lat: 37 } },
        { type: 'BYRADIUS', radius: 200, radiusType: 'KM' },
        'ASC',
        { withDist: true, withCoord: true, withHash: true },
      );
      assert.deepEqual(found, [
        {
          member: 'Catania',
          dist: 56.4413,
          hash: '3479447370796909',
          coord: { long: 15.087267458438873, lat: 37.50266842333162 },
        },
        {
          member: 'Palermo',
          dist: 190.4424,
          hash: '3479099956230698',
          coord: { long: 13.361389338970184, lat: 38.1155563954963 },
        },
      ]);
      const boxed = await r.geosearch(
        'sicily',
        { type: 'FROMMEMBER', member: 'Palermo' },
        { type: 'BYBOX', rect: { width: 400, height: 400 }, rectType: 'KM' },
        'DESC',
      );
      assert.deepEqual(boxed, [{ member: 'Catania' }, { member: 'Palermo' }]);
      const stored = await r.geosearchstore(
        'near',
        'sicily',
        { type: 'FROMLONLAT', coordinate: { lon: 15, lat: 37 } },
        { type: 'BYRADIUS', radius: 100, radiusType: 'KM' },
        'ASC',
        { storeDist: true },
      );
      assert.equal(stored, 1);
      assert.deepEqual(await r.zrange('near', 0, -1, { withScores: true }), ['Catania', 56.4412578701582]);
    }
  } finally {
    await srv.close();
  }
});
