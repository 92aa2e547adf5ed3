/**
 * Where a server's busy time went, from a V8 `.cpuprofile` (what `node --cpu-prof` writes): the functions
 * with the most self time, merged across call sites, and the same time summed by area. Only the profile's
 * last `windowMs` count (the measured load, not start-up), and idle samples are left out, so shares are
 * of the time the server was actually working.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface SelfTime {
  name: string;
  selfMs: number;
  /** Share of the busy (non-idle) samples. */
  share: number;
}

export interface ProfileSummary {
  /** Share of the window's samples in which the server was idle (waiting on its sockets). */
  idleShare: number;
  top: SelfTime[];
  areas: SelfTime[];
}

/** The area a function belongs to, by where its code lives. */
function area(url: string, functionName: string): string {
  if (url.startsWith('wasm://')) return 'Lua VM (WebAssembly)';
  const pkg = /\/packages\/(\w+)\/src\/(?:(scripting|commands|keyspace)\/)?/.exec(url);
  if (pkg !== null) return pkg[2] === undefined ? `@redstash/${pkg[1]}` : `@redstash/${pkg[1]} ${pkg[2]}/`;
  const mod = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (mod !== null) return mod[1] as string;
  if (url.startsWith('node:')) return 'Node.js (http, net, streams, timers)';
  if (url === '') return functionName.startsWith('(') ? functionName : 'V8/Node native';
  return 'other';
}

function shortUrl(url: string): string {
  return url.replace(/^.*\/(packages|node_modules)\//, '$1/').replace(/^file:\/\/.*\/bench\//, 'bench/');
}

export function summarizeProfile(path: string, windowMs: number, count: number): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  // Sample i happened at startTime + the sum of timeDeltas[0..i]; each one stands for the time since the previous.
  let t = profile.startTime;
  const from = profile.endTime - windowMs * 1000;
  const fnMicros = new Map<string, number>();
  const areaMicros = new Map<string, number>();
  let idle = 0;
  let busy = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (t < from) continue;
    const frame = byId.get(profile.samples[i] as number);
    if (frame === undefined) continue;
    if (frame.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    busy += dt;
    const where = frame.url === '' ? '' : ` ${shortUrl(frame.url)}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`;
    const name = `${frame.functionName || '(anonymous)'}${where}`;
    fnMicros.set(name, (fnMicros.get(name) ?? 0) + dt);
    const a = area(frame.url, frame.functionName);
    areaMicros.set(a, (areaMicros.get(a) ?? 0) + dt);
  }
  const rank = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, selfMs: Math.round(us / 1000), share: us / Math.max(busy, 1) }));
  return { idleShare: idle / Math.max(idle + busy, 1), top: rank(fnMicros, count), areas: rank(areaMicros, 12) };
}
