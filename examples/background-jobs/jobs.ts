/**
 * Background jobs over the QStash-compatible queue: the web route enqueues a job and answers at once; the
 * worker is a plain HTTP endpoint the queue calls, verifying the signature first. A worker that fails
 * (any non-2xx) is retried with backoff; after the last retry the job lands in the dead-letter queue.
 */
import { createServer, type Server } from 'node:http';
import { type Client, Receiver } from '@upstash/qstash';

export interface Job {
  documentId: string;
}

/** Enqueue a job: FIFO queue `summaries`, 3 retries, one second then two between them. */
export async function enqueueSummary(qstash: Client, workerUrl: string, job: Job): Promise<string> {
  const { messageId } = await qstash.queue({ queueName: 'summaries' }).enqueueJSON({
    url: workerUrl,
    body: job,
    retries: 3,
    retryDelay: '1000 * pow(2, retried)',
  });
  return messageId;
}

/** The worker: refuses anything not signed by the queue, runs `handle`, answers 200 or 500 (retry). */
export function createWorker(
  keys: { currentSigningKey: string; nextSigningKey: string },
  handle: (job: Job) => Promise<void>,
): Server {
  const receiver = new Receiver(keys);
  return createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', async () => {
      const signature = req.headers['upstash-signature'];
      const valid = typeof signature === 'string' && (await receiver.verify({ signature, body }).catch(() => false));
      if (!valid) {
        res.writeHead(401).end();
        return;
      }
      try {
        await handle(JSON.parse(body) as Job);
        res.writeHead(200).end('done');
      } catch {
        res.writeHead(500).end('failed: will be retried');
      }
    });
  });
}
