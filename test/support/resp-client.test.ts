import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { encodeCommand, INCOMPLETE, parseReply, RespClient, type RespReply } from './resp-client.ts';

const WIRE = Buffer.from(
  '+OK\r\n-ERR bad\r\n:42\r\n:-9223372036854775808\r\n$5\r\na\r\n\x00\xff\r\n$0\r\n\r\n$-1\r\n*-1\r\n*0\r\n' +
    '*3\r\n:1\r\n*1\r\n$1\r\nx\r\n$-1\r\n',
  'latin1',
);
const EXPECTED: RespReply[] = [
  { type: 'status', value: 'OK' },
  { type: 'error', value: 'ERR bad' },
  { type: 'integer', value: 42 },
  { type: 'integer', value: -9223372036854775808n },
  { type: 'bulk', value: 'a\r\n\x00\xff' },
  { type: 'bulk', value: '' },
  { type: 'nil' },
  { type: 'nil-array' },
  { type: 'array', value: [] },
  {
    type: 'array',
    value: [{ type: 'integer', value: 1 }, { type: 'array', value: [{ type: 'bulk', value: 'x' }] }, { type: 'nil' }],
  },
];

function parseAll(buf: Buffer): RespReply[] {
  const out: RespReply[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const r = parseReply(buf, pos);
    if (r === INCOMPLETE) break;
    out.push(r.reply);
    pos = r.next;
  }
  return out;
}

test('parses every RESP2 reply type exactly', () => {
  assert.deepEqual(parseAll(WIRE), EXPECTED);
});

test('a reply cut anywhere is incomplete, never misread', () => {
  for (let cut = 1; cut < WIRE.length; cut++) {
    const head = parseAll(WIRE.subarray(0, cut));
    assert.deepEqual(head, EXPECTED.slice(0, head.length), `cut at ${cut}`);
  }
});

test('rejects a protocol violation', () => {
  assert.throws(() => parseReply(Buffer.from('?x\r\n'), 0), /unexpected type byte/);
  assert.throws(() => parseReply(Buffer.from('$1\r\nab\r\n'), 0), /not ended by CRLF/);
});

test('encodes binary-safe arguments and refuses non-byte strings', () => {
  assert.equal(
    encodeCommand(['SET', '', '\x00\xff']).toString('latin1'),
    '*3\r\n$3\r\nSET\r\n$0\r\n\r\n$2\r\n\x00\xff\r\n',
  );
  assert.throws(() => encodeCommand(['ECHO', '\u0100']), /not a byte string/);
});

test('pipelines over a socket with replies split across packets', async () => {
  // A fake server that answers every command with a slice of WIRE, one byte per write.
  const server = createServer((socket) => {
    socket.once('data', () => {
      let i = 0;
      const drip = () => {
        if (i >= WIRE.length) return;
        socket.write(WIRE.subarray(i, i + 1));
        i++;
        setImmediate(drip);
      };
      drip();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const client = await RespClient.connect(port);
  try {
    const replies = await client.pipeline(EXPECTED.map(() => ['PING']));
    assert.deepEqual(replies, EXPECTED);
  } finally {
    client.close();
    server.close();
  }
});
