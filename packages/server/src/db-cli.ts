/**
 * `redstash db …`: the management API from a shell. It talks to a running server over HTTP with the admin
 * credential, so it works the same against a local or a remote Redstash.
 */
import { parseArgs } from 'node:util';

export const DB_USAGE = `Usage: redstash db <command> [options]

  create <name> [--plan <plan>] [--eviction]   create a database; prints its .env block
  list                                         list databases
  delete <id|name>                             delete a database and its data
  token <id|name>                              rotate its tokens; prints the new .env block
  usage <id|name>                              today's and this month's usage and cost

Options (each also read from the environment variable shown):
  --url <url>          the server (REDSTASH_URL, default http://127.0.0.1:8079)
  --admin-user <name>  (REDSTASH_ADMIN_USER, default admin)
  --admin-key <key>    (REDSTASH_ADMIN_KEY)
`;

interface Io {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  fetch: typeof fetch;
}

type Json = Record<string, unknown>;

/** Runs one `db` command; resolves to the process exit code. */
export async function dbCommand(args: string[], io: Io): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        'admin-user': { type: 'string' },
        'admin-key': { type: 'string' },
        plan: { type: 'string' },
        eviction: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    io.err(`redstash db: ${(err as Error).message}\n`);
    return 2;
  }
  const [command, target] = positionals;
  if (values.help === true || command === undefined) {
    io.out(DB_USAGE);
    return command === undefined && values.help !== true ? 2 : 0;
  }
  const pick = (flag: string, name: string) => {
    const v = values[flag];
    if (typeof v === 'string') return v;
    const e = io.env[name];
    return e === '' ? undefined : e;
  };
  const base = (pick('url', 'REDSTASH_URL') ?? 'http://127.0.0.1:8079').replace(/\/+$/, '');
  const user = pick('admin-user', 'REDSTASH_ADMIN_USER') ?? 'admin';
  const key = pick('admin-key', 'REDSTASH_ADMIN_KEY');
  if (key === undefined) {
    io.err('redstash db: the admin key is needed: --admin-key or REDSTASH_ADMIN_KEY\n');
    return 2;
  }
  const auth = `Basic ${Buffer.from(`${user}:${key}`).toString('base64')}`;
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await io.fetch(`${base}/v2/redis/${path}`, {
      method,
      headers: { authorization: auth, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const parsed = (await res.json()) as unknown;
    if (!res.ok) throw new Error((parsed as { error?: string }).error ?? `HTTP ${res.status}`);
    return parsed;
  };
  const resolveId = async (idOrName: string | undefined): Promise<string> => {
    if (idOrName === undefined) throw new Error(`'${command}' needs a database id or name`);
    const all = (await call('GET', 'databases?credentials=hide')) as Json[];
    const found = all.find((d) => d.database_id === idOrName) ?? all.find((d) => d.database_name === idOrName);
    if (found === undefined) throw new Error(`no database with id or name '${idOrName}'`);
    return found.database_id as string;
  };
  try {
    switch (command) {
      case 'create': {
        if (target === undefined) throw new Error("'create' needs a name");
        const body: Json = { database_name: target, platform: 'local', primary_region: 'local' };
        if (typeof values.plan === 'string') body.plan = values.plan;
        if (values.eviction === true) body.eviction = true;
        const db = (await call('POST', 'database', body)) as Json;
        io.out(describe(db) + envLines(db));
        return 0;
      }
      case 'list': {
        const all = (await call('GET', 'databases?credentials=hide')) as Json[];
        io.out(table(all));
        return 0;
      }
      case 'delete': {
        const id = await resolveId(target);
        await call('DELETE', `database/${encodeURIComponent(id)}`);
        io.out(`deleted ${id}\n`);
        return 0;
      }
      case 'token': {
        const id = await resolveId(target);
        const db = (await call('POST', `reset-password/${encodeURIComponent(id)}`)) as Json;
        io.out(`# the previous tokens of ${db.database_name} no longer work\n${envLines(db)}`);
        return 0;
      }
      case 'usage': {
        const id = await resolveId(target);
        const s = (await call('GET', `stats/${encodeURIComponent(id)}`)) as Json;
        io.out(usage(s));
        return 0;
      }
      default:
        io.err(`redstash db: unknown command '${command}'\n${DB_USAGE}`);
        return 2;
    }
  } catch (err) {
    io.err(`redstash db ${command}: ${(err as Error).message}\n`);
    return 1;
  }
}

function describe(db: Json): string {
  return `# database ${db.database_name} (${db.database_id}), plan ${db.type}, eviction ${db.eviction ? 'on' : 'off'}\n`;
}

function envLines(db: Json): string {
  return [
    `UPSTASH_REDIS_REST_URL="${db.rest_url}"`,
    `UPSTASH_REDIS_REST_TOKEN="${db.rest_token}"`,
    `UPSTASH_REDIS_REST_READONLY_TOKEN="${db.read_only_rest_token}"`,
    '',
  ].join('\n');
}

function table(all: Json[]): string {
  const rows = [
    ['ID', 'NAME', 'PLAN', 'EVICTION'],
    ...all.map((d) => [d.database_id, d.database_name, d.type, d.eviction ? 'on' : 'off'].map(String)),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length))) ?? [];
  return `${rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] as number))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

function usage(s: Json): string {
  const top = (s.top_commands as { command: string; count: number }[]).map((t) => `${t.command} ${t.count}`).join(', ');
  return [
    `plan                 ${s.plan}`,
    `commands today       ${s.daily_net_commands} (reads ${s.daily_read_requests}, writes ${s.daily_write_requests})`,
    `commands this month  ${s.total_monthly_requests}`,
    `cost this month      $${(s.total_monthly_billing as number).toFixed(2)}`,
    `storage              ${s.current_storage} bytes`,
    `bandwidth this month ${s.total_monthly_bandwidth} bytes`,
    `service time         p50 ${s.latency_p50_ms} ms, p99 ${s.latency_p99_ms} ms`,
    `hits / misses        ${s.keyspace_hits} / ${s.keyspace_misses}`,
    `top commands         ${top === '' ? '-' : top}`,
    '',
  ].join('\n');
}
