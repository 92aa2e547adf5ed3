import { LatencyHistogram } from './latency.ts';

/**
 * A database's usage, per UTC day: billable commands (reads and writes), bandwidth, peak storage, the
 * commands by name and a histogram of service times. The current day is plain counters bumped on the hot path; a new day archives it. Days
 * of the current and previous month are kept, so the month's bill and the daily chart can be answered.
 */

export const DAY_MS = 86_400_000;

export interface DayUsage {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  commands: number;
  reads: number;
  writes: number;
  bytesIn: number;
  bytesOut: number;
  /** The most bytes stored seen that day. */
  storage: number;
  /** Billable commands by name (`GET`, `CONFIG GET` is free so absent). */
  byCommand: Record<string, number>;
  /** Service times: LatencyHistogram buckets (index → requests); absent on a day without requests. */
  latency?: Record<string, number>;
}

/** One command's counter for the current day, found by its table entry so the hot path does one Map.get. */
export interface CommandCounter {
  readonly name: string;
  /** Operational commands (PING, INFO, …) are not billed. */
  readonly free: boolean;
  count: number;
}

export function dayName(ms: number): string {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

export class UsageLedger {
  /** Finished days, oldest first, within the kept window. */
  readonly history: DayUsage[] = [];
  day = '';
  dayEnd = 0;
  commands = 0;
  reads = 0;
  writes = 0;
  bytesIn = 0;
  bytesOut = 0;
  storage = 0;
  /** Counters of the current day by command name; the quota hook holds them by table entry. */
  readonly counters = new Map<string, CommandCounter>();
  /** Service times of the current day's requests (stats and /metrics read its percentiles). */
  readonly latency = new LatencyHistogram();
  /** Set by every change, cleared by the store once it has written the ledger. */
  dirty = false;

  constructor(now: number) {
    this.start(now);
  }

  /** Moves to the day holding `now`, archiving the current one (call when `now >= dayEnd`). */
  roll(now: number): void {
    if (now < this.dayEnd) return;
    this.history.push(this.current());
    const keepFrom = dayName(Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth() - 1, 1));
    while (this.history.length > 0 && (this.history[0] as DayUsage).day < keepFrom) this.history.shift();
    this.start(now);
    this.dirty = true;
  }

  counter(name: string, free: boolean): CommandCounter {
    let c = this.counters.get(name);
    if (c === undefined) {
      c = { name, free, count: 0 };
      this.counters.set(name, c);
    }
    return c;
  }

  /** The current day as a record (a copy). */
  current(): DayUsage {
    const byCommand: Record<string, number> = {};
    for (const c of this.counters.values()) if (c.count > 0) byCommand[c.name] = c.count;
    const day: DayUsage = {
      day: this.day,
      commands: this.commands,
      reads: this.reads,
      writes: this.writes,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      storage: this.storage,
      byCommand,
    };
    if (this.latency.count > 0) day.latency = this.latency.toJSON();
    return day;
  }

  /** Every kept day, the current one last. */
  days(): DayUsage[] {
    return [...this.history, this.current()];
  }

  /** The days of the month holding `now` (`YYYY-MM` prefix). */
  month(now: number): DayUsage[] {
    const prefix = dayName(now).slice(0, 7);
    return this.days().filter((d) => d.day.startsWith(prefix));
  }

  toJSON(): { days: DayUsage[] } {
    return { days: this.days() };
  }

  /** Restores saved days: the one matching the current day continues counting, older ones are history. */
  restore(saved: unknown): void {
    if (typeof saved !== 'object' || saved === null || !Array.isArray((saved as { days?: unknown }).days)) return;
    for (const raw of (saved as { days: unknown[] }).days) {
      const d = parseDay(raw);
      if (d === undefined) continue;
      if (d.day === this.day) {
        this.commands = d.commands;
        this.reads = d.reads;
        this.writes = d.writes;
        this.bytesIn = d.bytesIn;
        this.bytesOut = d.bytesOut;
        this.storage = d.storage;
        this.counters.clear();
        for (const [name, count] of Object.entries(d.byCommand)) this.counter(name, false).count = count;
        this.latency.load(d.latency);
      } else if (d.day < this.day) this.history.push(d);
    }
    this.history.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  }

  private start(now: number): void {
    this.day = dayName(now);
    this.dayEnd = (Math.floor(now / DAY_MS) + 1) * DAY_MS;
    this.commands = 0;
    this.reads = 0;
    this.writes = 0;
    this.bytesIn = 0;
    this.bytesOut = 0;
    this.storage = 0;
    for (const c of this.counters.values()) c.count = 0;
    this.latency.reset();
  }
}

const FIELDS = ['commands', 'reads', 'writes', 'bytesIn', 'bytesOut', 'storage'] as const;

function parseDay(raw: unknown): DayUsage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(r.day)) return undefined;
  const out: DayUsage = {
    day: r.day,
    commands: 0,
    reads: 0,
    writes: 0,
    bytesIn: 0,
    bytesOut: 0,
    storage: 0,
    byCommand: {},
  };
  for (const f of FIELDS) {
    const v = r[f];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out[f] = v;
  }
  if (typeof r.byCommand === 'object' && r.byCommand !== null)
    for (const [name, v] of Object.entries(r.byCommand as Record<string, unknown>))
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out.byCommand[name] = v;
  if (typeof r.latency === 'object' && r.latency !== null) {
    const latency = new LatencyHistogram();
    latency.load(r.latency);
    if (latency.count > 0) out.latency = latency.toJSON();
  }
  return out;
}
