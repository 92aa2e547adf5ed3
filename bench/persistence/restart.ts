/**
 * How long a restart takes with a million keys: our server from (a) a log of individual commands and (b) the
 * snapshot SAVE leaves, against redis-server 7 loading the same command log as its AOF and (b) the base file
 * BGREWRITEAOF leaves (with the RDB preamble, Redis's default, and without it: commands, like ours). Every
 * run starts from a fresh copy of a prepared directory, so no run sees what an earlier one wrote (our server
 * would start an automatic rewrite of the big log a second after loading it).
 */
import { cpSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_VERSION, readManifest } from '@redstash/persistence';
import type { RespClient } from '../../test/support/resp-client.ts';
import { type ProfileSummary, summarizeProfile } from '../ratelimit/profile.ts';
import { restCommand, type ServerProcess, startRedis, startRedstash } from './processes.ts';
import { waitForQuiet } from './quiet.ts';

export interface RestartFigures {
  /** From the spawn until the server answers (/healthz, or PING → PONG). */
  readyMs: number;
  /** The server's own figure: our "data loaded" log's ms, Redis's "DB loaded from append only file". */
  loadMs: number;
  keys: number;
  /** The server's CPU time (all its threads) until it answered: steadier than wall time on a busy machine. */
  cpuMs: number;
  rssMiB: number;
  /** Share of the machine's CPU others used just before (see quiet.ts). */
  othersBusyShare: number;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const mib = (bytes: number) => round(bytes / 2 ** 20, 1);

/** Sum of the sizes of the files under `dir`. */
export function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  return total;
}

/** Our data directory holding `log` as its only file: no snapshot yet, one incremental log. */
export function ourLogDir(dir: string, log: string): void {
  const aof = join(dir, 'aof');
  mkdirSync(aof, { recursive: true, mode: 0o700 });
  cpSync(log, join(aof, 'incr.1.aof'));
  const manifest = { format: 'redstash-aof', version: MANIFEST_VERSION, seq: 1, base: null, incr: ['incr.1.aof'] };
  writeFileSync(join(aof, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  readManifest(aof);
}

/** A Redis 7 directory holding `log` as its AOF: a manifest naming it as the only (incremental) file. */
export function redisLogDir(dir: string, log: string): void {
  const aof = join(dir, 'appendonlydir');
  mkdirSync(aof, { recursive: true });
  cpSync(log, join(aof, 'appendonly.aof.1.incr.aof'));
  writeFileSync(join(aof, 'appendonly.aof.manifest'), 'file appendonly.aof.1.incr.aof seq 1 type i\n');
}

/** No automatic rewrite, so a run leaves its directory as it found it; fsync as our default. */
export const redisArgs = (preamble: boolean) => [
  '--appendonly',
  'yes',
  '--appendfsync',
  'everysec',
  '--save',
  '',
  '--auto-aof-rewrite-percentage',
  '0',
  '--aof-use-rdb-preamble',
  preamble ? 'yes' : 'no',
];

/** Turns a copy of our log directory into a snapshot directory by SAVE; returns the SAVE's ms. */
export async function ourSnapshotDir(dir: string): Promise<number> {
  const { server } = await startRedstash({ dataDir: dir, durability: 'everysec' });
  try {
    const started = performance.now();
    try {
      await restCommand(server.port, ['SAVE']);
    } catch {
      // The automatic rewrite of the big log got there first: its snapshot will do.
      while (/aof_rewrite_in_progress:1/.test(String(await restCommand(server.port, ['INFO', 'persistence']))))
        await new Promise((r) => setTimeout(r, 50));
    }
    const ms = performance.now() - started;
    const manifest = readManifest(join(dir, 'aof'));
    if (manifest === null || manifest.base === null) throw new Error('SAVE left no snapshot in the manifest');
    return ms;
  } finally {
    await server.stop();
  }
}

async function info(client: RespClient, section: string): Promise<string> {
  const reply = await client.send(['INFO', section]);
  return reply.type === 'bulk' ? reply.value : '';
}

/** Turns a copy of the Redis log directory into a rewritten one (BGREWRITEAOF); returns the rewrite's ms. */
export async function redisRewriteDir(binary: string, dir: string, preamble: boolean): Promise<number> {
  const { server, client } = await startRedis(binary, dir, redisArgs(preamble));
  try {
    const started = performance.now();
    await client.send(['BGREWRITEAOF']);
    for (;;) {
      const text = await info(client, 'persistence');
      if (
        /aof_rewrite_in_progress:0/.test(text) &&
        /aof_rewrite_scheduled:0/.test(text) &&
        /aof_rewrites:[1-9]/.test(text)
      )
        break;
      await new Promise((r) => setTimeout(r, 20));
    }
    return performance.now() - started;
  } finally {
    client.close();
    await server.stop();
  }
}

async function ourFigures(server: ServerProcess, readyMs: number, othersBusyShare: number): Promise<RestartFigures> {
  const cpuMs = Math.round(server.cpuMicros() / 1000);
  const loaded = await server.logEntry('data loaded');
  return {
    othersBusyShare,
    readyMs: Math.round(readyMs),
    loadMs: Number(loaded.ms),
    keys: Number(loaded.keys),
    cpuMs,
    rssMiB: mib(server.rssBytes()),
  };
}

/** Our server on a fresh copy of `source`; with `profileDir`, under --cpu-prof (summary of the whole run). */
export async function restartOurs(
  source: string,
  work: string,
  profileDir?: string,
): Promise<{ figures: RestartFigures; profile: ProfileSummary | null }> {
  const dir = join(work, 'run');
  rmSync(dir, { recursive: true, force: true });
  cpSync(source, dir, { recursive: true });
  try {
    const nodeFlags = profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
    const busy = await waitForQuiet();
    const { server, readyMs } = await startRedstash({ dataDir: dir, durability: 'everysec', nodeFlags });
    let figures: RestartFigures;
    try {
      figures = await ourFigures(server, readyMs, busy);
    } finally {
      await server.stop();
    }
    if (profileDir === undefined) return { figures, profile: null };
    const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (file === undefined) throw new Error('the profiled server wrote no .cpuprofile');
    return { figures, profile: summarizeProfile(join(profileDir, file), Number.MAX_SAFE_INTEGER / 1000, 12) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** redis-server on a fresh copy of `source`. */
export async function restartRedis(
  binary: string,
  source: string,
  work: string,
  preamble: boolean,
): Promise<RestartFigures> {
  const dir = join(work, 'run');
  rmSync(dir, { recursive: true, force: true });
  cpSync(source, dir, { recursive: true });
  try {
    const busy = await waitForQuiet();
    const { server, readyMs, client } = await startRedis(binary, dir, redisArgs(preamble));
    try {
      const cpuMs = Math.round(server.cpuMicros() / 1000);
      // Printed once loading is over; an empty directory loads nothing and says so by not logging the load.
      await server.line((l) => l.includes('Ready to accept connections'));
      const line = server.lines.find((l) => l.includes('DB loaded from append only file'));
      const seconds = line === undefined ? 0 : Number(/append only file: ([\d.]+) seconds/.exec(line)?.[1]);
      const size = await client.send(['DBSIZE']);
      return {
        readyMs: Math.round(readyMs),
        loadMs: Math.round(seconds * 1000),
        keys: size.type === 'integer' ? Number(size.value) : Number.NaN,
        cpuMs,
        rssMiB: mib(server.rssBytes()),
        othersBusyShare: busy,
      };
    } finally {
      client.close();
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
