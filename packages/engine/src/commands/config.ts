/**
 * CONFIG GET, SET, RESETSTAT and REWRITE. The engine owns no configuration file: parameters are whatever
 * the host registers (`engine.registerConfig`), each with its own getter and, when it may change at run
 * time, a setter that validates and applies. Texts and the order of checks follow Redis 7's config.c.
 */
import type { Ctx } from '../command/context.ts';
import * as E from '../command/errors.ts';
import { type Argv, type CommandDef, command, container } from '../command/table.ts';
import { globMatch } from '../keyspace/glob.ts';
import { MapReply, OK, type Reply } from '../reply.ts';
import { resetStats } from './info.ts';

/** A configuration parameter as CONFIG GET and CONFIG SET see it. */
export interface ConfigParam {
  /** As CONFIG GET lists it; matched case-insensitively. */
  name: string;
  get(): string;
  /**
   * Validates and applies a new value (a byte string, as sent), returning why it was refused (the text
   * after "- " in Redis's error) or undefined once applied. Absent: the parameter is immutable.
   */
  set?: (value: string) => string | undefined;
}

/** The registered parameters, by lower-case name, in registration order. */
export class ConfigRegistry {
  private readonly byName = new Map<string, ConfigParam>();

  register(param: ConfigParam): void {
    const key = param.name.toLowerCase();
    if (this.byName.has(key)) throw new Error(`config parameter ${param.name} registered twice`);
    this.byName.set(key, param);
  }

  get(name: string): ConfigParam | undefined {
    return this.byName.get(name.toLowerCase());
  }

  all(): IterableIterator<ConfigParam> {
    return this.byName.values();
  }
}

/** A pattern without these is looked up by name, and listed under the name as the client wrote it. */
const GLOB_CHARS = /[[*?]/;

function configGet(ctx: Ctx, argv: Argv): Reply {
  // Lower-case name → [name to show, parameter]: each parameter once however many patterns match it.
  const picked = new Map<string, [string, ConfigParam]>();
  for (let i = 2; i < argv.length; i++) {
    const pattern = argv[i] as string;
    if (!GLOB_CHARS.test(pattern)) {
      const param = ctx.config.get(pattern);
      const key = pattern.toLowerCase();
      if (param !== undefined && !picked.has(key)) picked.set(key, [pattern, param]);
      continue;
    }
    for (const param of ctx.config.all()) {
      const key = param.name.toLowerCase();
      if (!picked.has(key) && globMatch(pattern, param.name, true)) picked.set(key, [param.name, param]);
    }
  }
  const items: Reply[] = [];
  for (const [shown, param] of picked.values()) items.push(shown, param.get());
  return new MapReply(items);
}

/**
 * All or nothing, as Redis: every name is checked (unknown, immutable, repeated) before any value is
 * applied, and when a value is refused the ones applied before it get their old values back.
 */
function configSet(ctx: Ctx, argv: Argv): Reply {
  if (argv.length % 2 !== 0) throw E.SYNTAX;
  const chosen: [ConfigParam, string][] = [];
  for (let i = 2; i < argv.length; i += 2) {
    const name = argv[i] as string;
    const param = ctx.config.get(name);
    if (param === undefined) throw E.configUnknownOption(name);
    if (param.set === undefined) throw E.configSetFailed(name, E.CONFIG_IMMUTABLE);
    if (chosen.some(([p]) => p === param)) throw E.configSetFailed(name, E.CONFIG_DUPLICATE);
    chosen.push([param, argv[i + 1] as string]);
  }
  const applied: [ConfigParam, string][] = [];
  for (const [param, value] of chosen) {
    const old = param.get();
    const refused = param.set?.(value);
    if (refused !== undefined) {
      for (const [done, previous] of applied) done.set?.(previous);
      throw E.configSetFailed(param.name, refused);
    }
    applied.push([param, old]);
  }
  return OK;
}

/** The counters INFO reports since start, per-command and per-error ones included. */
function configResetstat(ctx: Ctx): Reply {
  resetStats(ctx);
  return OK;
}

function configRewrite(): Reply {
  throw E.CONFIG_NO_FILE;
}

export const configCommands: CommandDef[] = [
  container('config', '', [
    command('config|get', -3, 'admin noscript loading stale', [], configGet),
    command('config|set', -4, 'admin noscript loading stale', [], configSet),
    command('config|resetstat', 2, 'admin noscript loading stale', [], configResetstat),
    command('config|rewrite', 2, 'admin noscript loading stale', [], configRewrite),
  ]),
];
