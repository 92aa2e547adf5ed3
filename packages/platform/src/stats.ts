/**
 * A database's usage as Upstash's Developer API reports it (`GET /v2/redis/stats/{id}`): the same field
 * names, time series as `{x, y}` points, plus the figures Redstash adds (`plan`, latency percentiles, top
 * commands as a plain list).
 */
import type { Database } from './database.ts';
import { monthlyCost } from './plans.ts';
import type { DayUsage } from './usage.ts';

interface Point {
  x: string;
  y: number;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Upstash's timestamp form: `2025-08-31 00:00:00 +0000 UTC`. */
function at(day: string): string {
  return `${day} 00:00:00 +0000 UTC`;
}

function instant(ms: number): string {
  return `${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')} +0000 UTC`;
}

function sum(days: DayUsage[], pick: (d: DayUsage) => number): number {
  let total = 0;
  for (const d of days) total += pick(d);
  return total;
}

/** Keyspace hits and misses of read commands since start (INFO stats `keyspace_hits`/`keyspace_misses`). */
function hitsMisses(db: Database): [number, number] {
  return [db.engine.db.hits, db.engine.db.misses];
}

export function databaseStats(db: Database, now: number): Record<string, unknown> {
  const ledger = db.ledger;
  const plan = db.plan;
  const today = ledger.current();
  const week = ledger.days().slice(-7);
  const month = ledger.month(now);
  const monthCommands = sum(month, (d) => d.commands);
  const byCommand = new Map<string, number>();
  for (const d of month)
    for (const [name, n] of Object.entries(d.byCommand)) byCommand.set(name, (byCommand.get(name) ?? 0) + n);
  const top = [...byCommand.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const [hits, misses] = hitsMisses(db);
  const nowAt = instant(now);
  const series = (y: number): Point[] => [{ x: nowAt, y }];
  const dayCost = (d: DayUsage): number => Math.round(((d.commands * plan.pricePer100k) / 100_000) * 1e6) / 1e6;
  return {
    daily_net_commands: today.commands,
    daily_read_requests: today.reads,
    daily_write_requests: today.writes,
    connection_count: series(db.connections),
    keyspace: series(db.engine.db.size),
    diskusage: series(db.engine.db.usedBytes),
    hits: series(hits),
    misses: series(misses),
    read: series(today.reads),
    write: series(today.writes),
    latency_50: series(db.latency.quantile(0.5)),
    latency_99: series(db.latency.quantile(0.99)),
    dailyrequests: week.map((d) => ({ x: at(d.day), y: d.commands })),
    days: week.map((d) => WEEKDAYS[new Date(`${d.day}T00:00:00Z`).getUTCDay()] as string),
    dailybilling: week.map((d) => ({ x: at(d.day), y: dayCost(d) })),
    dailybandwidth: today.bytesIn + today.bytesOut,
    bandwidths: week.map((d) => ({ x: at(d.day), y: d.bytesIn + d.bytesOut })),
    total_monthly_bandwidth: sum(month, (d) => d.bytesIn + d.bytesOut),
    total_monthly_requests: monthCommands,
    total_monthly_read_requests: sum(month, (d) => d.reads),
    total_monthly_write_requests: sum(month, (d) => d.writes),
    total_monthly_storage: Math.max(0, ...month.map((d) => d.storage)),
    current_storage: db.engine.db.usedBytes,
    total_monthly_billing: monthlyCost(plan, monthCommands),
    command_counts: top.map(([name, n]) => ({ metric_identifier: name, data_points: [{ x: nowAt, y: n }] })),
    // Redstash's own, in plain form.
    plan: plan.name,
    top_commands: top.slice(0, 10).map(([command, count]) => ({ command, count })),
    latency_p50_ms: db.latency.quantile(0.5),
    latency_p99_ms: db.latency.quantile(0.99),
    keyspace_hits: hits,
    keyspace_misses: misses,
  };
}
