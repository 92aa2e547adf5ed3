/**
 * Preloaded into the server under test (`node --import`): counts fdatasync calls, so the benchmark can say
 * how many requests one sync covered under `appendfsync always` without touching the product code. The
 * server writes the count to stderr as one JSON line when it gets SIGUSR2.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

let syncs = 0;
const { fdatasync, fdatasyncSync } = fs;
fs.fdatasync = (...args) => {
  syncs++;
  return fdatasync(...args);
};
fs.fdatasyncSync = (...args) => {
  syncs++;
  return fdatasyncSync(...args);
};
// `import { fdatasync } from 'node:fs'` elsewhere sees the counting versions only after this.
syncBuiltinESMExports();
process.on('SIGUSR2', () => fs.writeSync(2, `${JSON.stringify({ benchFdatasyncs: syncs })}\n`));
