/**
 * Service time percentiles without keeping samples: a histogram over log-scaled buckets (four per doubling,
 * so a reported percentile is within 19% of the true one), from 1 µs to over an hour. Recording is one
 * Math.log2 and an increment.
 */
const PER_DOUBLING = 4;
const BUCKETS = 32 * PER_DOUBLING;

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;

  /** Records one request's service time in milliseconds. */
  record(ms: number): void {
    const us = ms * 1000;
    const i = us <= 1 ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log2(us) * PER_DOUBLING));
    this.counts[i] = (this.counts[i] as number) + 1;
    this.total++;
  }

  get count(): number {
    return this.total;
  }

  /** The `q` quantile (0 < q ≤ 1) in milliseconds: the upper edge of the bucket holding it; 0 when empty. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.ceil(q * this.total);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i] as number;
      if (seen >= rank) return 2 ** (i / PER_DOUBLING) / 1000;
    }
    return 2 ** ((BUCKETS - 1) / PER_DOUBLING) / 1000;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
  }

  /** The non-empty buckets, by index: what the usage file keeps so percentiles survive a restart. */
  toJSON(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let i = 0; i < BUCKETS; i++) if ((this.counts[i] as number) > 0) out[i] = this.counts[i] as number;
    return out;
  }

  /** Replaces the counts with saved buckets; entries that are not a bucket index and a count are ignored. */
  load(saved: unknown): void {
    this.reset();
    if (typeof saved !== 'object' || saved === null) return;
    for (const [key, count] of Object.entries(saved as Record<string, unknown>)) {
      const i = Number(key);
      if (!Number.isInteger(i) || i < 0 || i >= BUCKETS) continue;
      if (typeof count !== 'number' || !Number.isFinite(count) || count <= 0) continue;
      this.counts[i] = count;
      this.total += count;
    }
  }
}
