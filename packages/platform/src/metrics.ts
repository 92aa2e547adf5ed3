/**
 * Prometheus metrics (prom-client), one series per database. Values are read from the ledgers and engines
 * when scraped, so the request path does nothing extra for them.
 */
import { Gauge, Registry } from 'prom-client';
import { monthlyCost } from './plans.ts';
import type { Platform } from './platform.ts';

const LABELS = ['database_id', 'database_name'] as const;

export function createMetrics(
  platform: Platform,
  now: () => number,
): { contentType: string; text: () => Promise<string> } {
  const registry = new Registry();
  const gauge = (name: string, help: string, read: (db: ReturnType<Platform['list']>[number]) => number) =>
    new Gauge({
      name,
      help,
      labelNames: LABELS,
      registers: [registry],
      collect() {
        this.reset();
        for (const db of platform.list())
          this.set({ database_id: db.record.id, database_name: db.record.name }, read(db));
      },
    });
  gauge('redstash_commands_today', 'Billable commands today (UTC)', (db) => db.ledger.commands);
  gauge('redstash_read_commands_today', 'Billable read commands today (UTC)', (db) => db.ledger.reads);
  gauge('redstash_write_commands_today', 'Billable write commands today (UTC)', (db) => db.ledger.writes);
  gauge('redstash_bytes_in_today', 'Request bytes received today (UTC)', (db) => db.ledger.bytesIn);
  gauge('redstash_bytes_out_today', 'Response bytes sent today (UTC)', (db) => db.ledger.bytesOut);
  gauge(
    'redstash_commands_processed',
    'Commands run since start, free ones included',
    (db) => db.engine.stats.commands,
  );
  gauge('redstash_keys', 'Keys stored', (db) => db.engine.db.size);
  gauge('redstash_stored_bytes', 'Estimated bytes stored', (db) => db.engine.db.usedBytes);
  gauge('redstash_max_stored_bytes', "The plan's data size limit (0: none)", (db) => db.plan.maxDataBytes);
  gauge('redstash_connections', 'Requests in flight and open streams', (db) => db.connections);
  gauge('redstash_evicted_keys', 'Keys evicted since start', (db) => db.engine.stats.evictedKeys);
  gauge('redstash_latency_p50_seconds', 'Median service time today', (db) => db.latency.quantile(0.5) / 1000);
  gauge('redstash_latency_p99_seconds', '99th percentile service time today', (db) => db.latency.quantile(0.99) / 1000);
  gauge('redstash_month_cost_dollars', "The month's cost so far under the plan", (db) =>
    monthlyCost(
      db.plan,
      db.ledger.month(now()).reduce((n, d) => n + d.commands, 0),
    ),
  );
  return { contentType: registry.contentType, text: () => registry.metrics() };
}
