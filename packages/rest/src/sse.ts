/**
 * SUBSCRIBE and PSUBSCRIBE over server-sent events, in the line format `@upstash/redis` parses:
 * `data: subscribe,<channel>,1` once, then `data: message,<channel>,<payload>` (or
 * `data: pmessage,<pattern>,<channel>,<payload>`) per message. Each HTTP stream is one subscriber of its
 * own, so the confirmation count is always 1, as Upstash's one-connection-per-stream gives.
 *
 * Payloads are raw bytes (never base64, whatever Upstash-Encoding says). A line break inside an event is
 * sent as an SSE continuation line (`\ndata: `), which a standard EventSource joins back with `\n`; the
 * Upstash client reads only the first line of such a message (it splits events on `\n`).
 */
import type { ServerResponse } from 'node:http';
import type { Engine } from '@redstash/engine';

export const DEFAULT_KEEP_ALIVE_MS = 15_000;
/** A stream whose unsent output exceeds this is dropped: a slow reader must not grow our memory. */
export const DEFAULT_MAX_STREAM_BUFFER = 1024 * 1024;

export interface StreamOptions {
  keepAliveMs: number;
  maxBufferedBytes: number;
  warn: ((obj: object, msg: string) => void) | undefined;
}

const KEEP_ALIVE = ': keep-alive\n\n';
const LINE_BREAK = /\r\n|\r|\n/g;

function event(data: string): string {
  return `data: ${data.replace(LINE_BREAK, '\ndata: ')}\n\n`;
}

/** One open stream: its registry subscription, keep-alive timer, and how it ends. */
class Stream {
  readonly res: ServerResponse;
  readonly options: StreamOptions;
  unsubscribe: (() => void) | undefined = undefined;
  timer: NodeJS.Timeout | undefined = undefined;
  closed = false;

  constructor(res: ServerResponse, options: StreamOptions) {
    this.res = res;
    this.options = options;
  }

  /** Byte strings: latin1 writes each code unit as one byte. */
  send(text: string): void {
    if (this.closed) return;
    this.res.write(text, 'latin1');
    const buffered = this.res.writableLength;
    if (buffered > this.options.maxBufferedBytes) {
      this.options.warn?.(
        { buffered, limit: this.options.maxBufferedBytes },
        'dropped an event stream (pub/sub or monitor): the client is not reading fast enough',
      );
      this.close();
      this.res.destroy();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.timer !== undefined) clearInterval(this.timer);
  }
}

/**
 * Opens the event stream for `kind` on `name` (a channel, or a pattern for psubscribe). Ends when the
 * client goes away, or when it falls too far behind.
 */
export function openStream(
  res: ServerResponse,
  engine: Engine,
  kind: 'subscribe' | 'psubscribe',
  name: string,
  syncToken: string,
  options: StreamOptions,
): void {
  const stream = begin(res, syncToken, options);
  // Subscribe before confirming, so a message published right after the client sees the confirmation
  // is not lost.
  stream.unsubscribe =
    kind === 'subscribe'
      ? engine.pubsub.subscribe(name, (_kind, channel, message) => stream.send(event(`message,${channel},${message}`)))
      : engine.pubsub.psubscribe(name, (_kind, channel, message) =>
          stream.send(event(`pmessage,${name},${channel},${message}`)),
        );
  stream.send(event(`${kind},${name},1`));
  keepAlive(stream, options);
}

/**
 * MONITOR as Upstash serves it: `data: "OK"`, then one `data: <monitor line>` per command the engine runs
 * (lines are escaped ASCII, so one event each). Ends as a subscribe stream does.
 */
export function openMonitorStream(
  res: ServerResponse,
  engine: Engine,
  syncToken: string,
  options: StreamOptions,
): void {
  const stream = begin(res, syncToken, options);
  stream.unsubscribe = engine.monitors.add((line) => stream.send(`data: ${line}\n\n`));
  stream.send('data: "OK"\n\n');
  keepAlive(stream, options);
}

function begin(res: ServerResponse, syncToken: string, options: StreamOptions): Stream {
  const stream = new Stream(res, options);
  res.writeHead(200, [
    'content-type',
    'text/event-stream',
    'cache-control',
    'no-cache',
    'connection',
    'keep-alive',
    'x-accel-buffering',
    'no',
    'upstash-sync-token',
    syncToken,
    'access-control-allow-origin',
    '*',
    'access-control-expose-headers',
    'upstash-sync-token',
  ]);
  // Only the response's 'close' means the client left: the request's fires once its body has been read.
  const end = () => stream.close();
  res.on('close', end);
  res.on('error', end);
  return stream;
}

function keepAlive(stream: Stream, options: StreamOptions): void {
  if (!stream.closed && options.keepAliveMs > 0) {
    stream.timer = setInterval(() => stream.send(KEEP_ALIVE), options.keepAliveMs);
    stream.timer.unref();
  }
}
