/**
 * One source stream read once and replayed to any number of readers: the leader of a streamed cache miss and
 * every identical call that joins it while it runs. The source is pumped as fast as it produces, not as fast
 * as the slowest reader, so a reader that stops reading never stalls the others or the cache write.
 */
export interface BroadcastEnd<P> {
  /** True when the source closed normally; false when it errored or every reader cancelled. */
  ok: boolean;
  parts: readonly P[];
}

export class Broadcast<P> {
  private readonly parts: P[] = [];
  private readonly wakers = new Set<() => void>();
  private settled = false;
  private failure: { error: unknown } | undefined;
  private readers = 0;
  private readonly reader: ReadableStreamDefaultReader<P>;
  /** Settles (never rejects) once the source has ended and `onEnd` has run. */
  readonly ended: Promise<void>;

  /**
   * `onEnd` runs once, after the source ends and before any reader sees the end, so an edge runtime that
   * stops when the response stream closes has already let the cache write land. It must not throw.
   */
  constructor(source: ReadableStream<P>, onEnd: (end: BroadcastEnd<P>) => Promise<void>) {
    this.reader = source.getReader();
    this.ended = this.pump(onEnd);
  }

  private async pump(onEnd: (end: BroadcastEnd<P>) => Promise<void>): Promise<void> {
    let ok = false;
    try {
      for (;;) {
        const { done, value } = await this.reader.read();
        if (done) break;
        this.parts.push(value);
        this.wake();
      }
      ok = true;
    } catch (error) {
      this.failure = { error };
    }
    await onEnd({ ok: ok && this.failure === undefined, parts: this.parts });
    this.settled = true;
    this.wake();
  }

  private wake(): void {
    const wakers = [...this.wakers];
    this.wakers.clear();
    for (const wake of wakers) wake();
  }

  /** A reader from the first part; parts produced so far are replayed at once. */
  view(): ReadableStream<P> {
    let next = 0;
    let open = true;
    this.readers++;
    const leave = () => {
      if (!open) return;
      open = false;
      this.readers--;
      // Nobody is listening any more: stop the model instead of paying for an answer nobody reads. The pump
      // then ends as failed, so a cut-off answer is never stored.
      if (this.readers === 0 && !this.settled) {
        this.failure ??= { error: new Error('every reader cancelled') };
        void this.reader.cancel().catch(() => {});
      }
    };
    return new ReadableStream<P>({
      pull: async (controller) => {
        while (next >= this.parts.length && !this.settled) {
          await new Promise<void>((resolve) => this.wakers.add(resolve));
        }
        if (next < this.parts.length) {
          controller.enqueue(this.parts[next++] as P);
          return;
        }
        open = false;
        this.readers--;
        if (this.failure !== undefined) controller.error(this.failure.error);
        else controller.close();
      },
      cancel: leave,
    });
  }
}
