/**
 * A database's usage, per UTC day: billable commands (reads and writes), bandwidth, peak storage and the
 * commands by name. The current day is plain counters bumped on the hot path; a new day archives it. Days
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
    return {
      day: this.day,
      commands: this.commands,
      reads: this.reads,
      writes: this.writes,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      storage: this.storage,
      byCommand,
    };
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
  return out;
}
