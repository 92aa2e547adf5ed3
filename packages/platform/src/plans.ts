/**
 * Plans as data: the limits a database is held to and how its month is priced. The presets are the ones
 * Redstash promises (Upstash's Free and Pay-as-you-go, and its older Pro 2K at a flat $10); an operator adds
 * or overrides plans with a JSON file of the same shape.
 */

export interface Plan {
  /** As `change-plan` and the API name it. */
  name: string;
  /** Billable commands per UTC day; 0 = no daily cap. */
  dailyCommands: number;
  /** Estimated stored bytes before writes are refused (or keys evicted); 0 = unlimited. */
  maxDataBytes: number;
  /** One HTTP request body; 0 = the server's limit (`--max-request-bytes`, 10 MB). */
  maxRequestBytes: number;
  /** One argument of a write (a value, a member): Upstash's "single record". */
  maxRecordBytes: number;
  /** Billable commands in one second; 0 = unlimited. */
  maxCommandsPerSecond: number;
  /** Requests in flight plus open streams at once; 0 = unlimited. */
  maxConnections: number;
  /** Key and set/sorted-set member size, the same on every Upstash plan (32 KB). */
  maxKeyBytes: number;
  maxMemberBytes: number;
  /** USD per 100,000 billable commands. */
  pricePer100k: number;
  /** USD per month, charged whatever the use. */
  monthlyPrice: number;
}

const KB = 1024;
const MB = 1024 * KB;
const GB = 1024 * MB;

const HARD = { maxKeyBytes: 32 * KB, maxMemberBytes: 32 * KB };

export const PRESET_PLANS: readonly Plan[] = [
  {
    name: 'free',
    dailyCommands: 10_000,
    maxDataBytes: 256 * MB,
    maxRequestBytes: 1 * MB,
    maxRecordBytes: 100 * MB,
    maxCommandsPerSecond: 10_000,
    maxConnections: 10_000,
    ...HARD,
    pricePer100k: 0,
    monthlyPrice: 0,
  },
  {
    name: 'payg',
    dailyCommands: 0,
    maxDataBytes: 100 * GB,
    maxRequestBytes: 10 * MB,
    maxRecordBytes: 100 * MB,
    maxCommandsPerSecond: 10_000,
    maxConnections: 10_000,
    ...HARD,
    pricePer100k: 0.2,
    monthlyPrice: 0,
  },
  {
    name: 'pro-2k',
    dailyCommands: 2_000_000,
    maxDataBytes: 1 * GB,
    maxRequestBytes: 10 * MB,
    maxRecordBytes: 200 * MB,
    maxCommandsPerSecond: 2_000,
    maxConnections: 2_000,
    ...HARD,
    pricePer100k: 0,
    monthlyPrice: 10,
  },
  {
    // The database a single-user server starts with: no caps, no price. Its behaviour is the server's as
    // it was before databases had plans.
    name: 'unlimited',
    dailyCommands: 0,
    maxDataBytes: 0,
    maxRequestBytes: 0,
    maxRecordBytes: 0,
    maxCommandsPerSecond: 0,
    maxConnections: 0,
    maxKeyBytes: 0,
    maxMemberBytes: 0,
    pricePer100k: 0,
    monthlyPrice: 0,
  },
];

const NUMERIC: readonly (keyof Plan)[] = [
  'dailyCommands',
  'maxDataBytes',
  'maxRequestBytes',
  'maxRecordBytes',
  'maxCommandsPerSecond',
  'maxConnections',
  'maxKeyBytes',
  'maxMemberBytes',
  'pricePer100k',
  'monthlyPrice',
];

/** The plans by name: the presets, then `extra` (a parsed JSON array) adding or overriding by name. */
export function planSet(extra: unknown = []): Map<string, Plan> {
  const plans = new Map<string, Plan>();
  for (const p of PRESET_PLANS) plans.set(p.name, p);
  if (!Array.isArray(extra)) throw new Error('plans must be a JSON array of plan objects');
  for (const [i, item] of extra.entries()) {
    if (typeof item !== 'object' || item === null) throw new Error(`plan #${i} is not an object`);
    const given = item as Record<string, unknown>;
    const name = given.name;
    if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(name))
      throw new Error(`plan #${i}: name must be lower-case letters, digits, '-' or '_'`);
    const base = plans.get(name) ?? plans.get('payg');
    const plan = { ...(base as Plan), name };
    for (const field of NUMERIC) {
      const v = given[field];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`plan ${name}: ${field} must be ≥ 0`);
      (plan as Record<string, unknown>)[field] = v;
    }
    for (const key of Object.keys(given))
      if (key !== 'name' && !NUMERIC.includes(key as keyof Plan)) throw new Error(`plan ${name}: unknown field ${key}`);
    plans.set(name, plan);
  }
  return plans;
}

/** The month's cost in USD: the flat price plus the per-command price, rounded to the cent. */
export function monthlyCost(plan: Plan, commands: number): number {
  return Math.round((plan.monthlyPrice + (commands * plan.pricePer100k) / 100_000) * 100) / 100;
}
