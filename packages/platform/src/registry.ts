/**
 * The registry: every database's identity, plan, settings and token digests — never the tokens. Kept in
 * `<data-dir>/databases.json`, rewritten atomically on every change (changes are rare: create, rotate,
 * rename, delete), or only in memory for a server without persistence.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { readJsonFile, writeJsonFile } from './json-file.ts';

export interface DatabaseRecord {
  id: string;
  name: string;
  plan: string;
  eviction: boolean;
  /** Unix time in ms. */
  createdAt: number;
  tokenDigest: string;
  readonlyTokenDigest: string;
  /** Its data directory relative to the platform's ('' for the default database: the data directory itself). */
  dataPath: string;
  /** The database a single-user server has always had; it cannot be deleted. */
  isDefault: boolean;
}

export const REGISTRY_FILE = 'databases.json';
const FORMAT = 'redstash-databases';

export class Registry {
  readonly records = new Map<string, DatabaseRecord>();
  private readonly file: string | undefined;

  /** `dataDir` undefined: memory only. */
  constructor(dataDir: string | undefined) {
    this.file = dataDir === undefined ? undefined : join(dataDir, REGISTRY_FILE);
    if (this.file === undefined) return;
    const saved = readJsonFile(this.file);
    if (saved === undefined) return;
    const doc = saved as { format?: unknown; version?: unknown; databases?: unknown };
    if (doc.format !== FORMAT || doc.version !== 1 || !Array.isArray(doc.databases))
      throw new Error(`${this.file} is not a Redstash database registry (format ${FORMAT}, version 1)`);
    for (const raw of doc.databases) {
      const r = checkRecord(raw, this.file);
      this.records.set(r.id, r);
    }
  }

  static newId(): string {
    return randomUUID();
  }

  get defaultRecord(): DatabaseRecord | undefined {
    for (const r of this.records.values()) if (r.isDefault) return r;
    return undefined;
  }

  /** Adds or replaces a record and saves. */
  put(record: DatabaseRecord): void {
    this.records.set(record.id, record);
    this.save();
  }

  remove(id: string): void {
    this.records.delete(id);
    this.save();
  }

  private save(): void {
    if (this.file === undefined) return;
    writeJsonFile(this.file, { format: FORMAT, version: 1, databases: [...this.records.values()] });
  }
}

function checkRecord(raw: unknown, file: string): DatabaseRecord {
  const r = raw as Partial<DatabaseRecord> | null;
  const ok =
    r !== null &&
    typeof r === 'object' &&
    typeof r.id === 'string' &&
    typeof r.name === 'string' &&
    typeof r.plan === 'string' &&
    typeof r.eviction === 'boolean' &&
    typeof r.createdAt === 'number' &&
    typeof r.tokenDigest === 'string' &&
    /^[0-9a-f]{64}$/.test(r.tokenDigest) &&
    typeof r.readonlyTokenDigest === 'string' &&
    /^[0-9a-f]{64}$/.test(r.readonlyTokenDigest) &&
    typeof r.dataPath === 'string' &&
    typeof r.isDefault === 'boolean';
  if (!ok) throw new Error(`${file}: a database record is malformed`);
  return r as DatabaseRecord;
}
