import { BINARY, c, differential, type Gen, generated, quote, type Step } from './harness.ts';

const cases = [
  c(
    'PFADD PFCOUNT basics and the raw bytes of a new HLL',
    `
    PFADD h
    GET h
    PFCOUNT h
    GET h
    PFADD h
    PFADD h a b c
    GET h
    PFADD h a b c
    PFCOUNT h
    GET h
    PFCOUNT h
    PFCOUNT missing
    PFCOUNT h missing
    PFADD
    PFCOUNT
    PFMERGE
    `,
  ),
  c(
    'PFMERGE onto new, sparse and existing keys',
    `
    PFADD a 1 2 3 4 5
    PFADD b 4 5 6 7
    PFMERGE d a b
    GET d
    PFCOUNT d
    PFCOUNT a b
    PFMERGE d
    GET d
    PFMERGE e
    GET e
    EXISTS e
    PFMERGE a missing
    PFCOUNT a
    GET a
    PFMERGE d d
    GET d
    `,
  ),
  c(
    'WRONGTYPE and strings that are not HLLs',
    `
    SET s hello
    PFADD s a
    PFCOUNT s
    PFCOUNT h s
    PFMERGE d s
    EXISTS d
    PFMERGE s
    RPUSH l a
    PFADD l a
    PFCOUNT l
    PFMERGE l
    SET n 12345
    PFCOUNT n
    SET short HYLL
    PFCOUNT short
    SET baddense "HYLL\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
    PFCOUNT baddense
    SET badenc "HYLL\\x02\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x80\\x7f\\xff"
    PFCOUNT badenc
    `,
  ),
  c(
    'corrupted sparse HLLs',
    `
    SET c1 "HYLL\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x80\\x7f\\xfe"
    PFCOUNT c1
    PFADD c1 a b c
    PFCOUNT c1 c1
    PFMERGE d c1
    EXISTS d
    SET c2 "HYLL\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x80\\x7f\\xff\\x80"
    PFCOUNT c2
    PFCOUNT c2 x
    PFADD c2 a
    SET c3 "HYLL\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x7f\\xff"
    PFCOUNT c3
    SET c4 "HYLL\\x01\\x00\\x00\\x00\\x2a\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x7f\\xff"
    PFCOUNT c4
    PFADD c4 x
    PFCOUNT c4
    `,
  ),
  c(
    'binary elements and TTL kept',
    `
    PFADD b ${BINARY.map(quote).join(' ')}
    GET b
    PFCOUNT b
    PFADD b ${BINARY.map(quote).join(' ')}
    EXPIRE b 100
    PFADD b more
    TTL b
    PFCOUNT b
    TTL b
    PFMERGE b x
    TTL b
    `,
  ),
];

/** Element names in bulk, so large cardinalities run as few long PFADDs. */
function elements(from: number, to: number, prefix = 'e'): string[] {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(`${prefix}${i}`);
  return out;
}

/** Grows one HLL from sparse through promotion to dense, comparing counts and raw bytes along the way. */
function growth(): Step[] {
  const steps: Step[] = [];
  const marks = [1, 2, 5, 10, 20, 50, 100, 200, 300, 500, 700, 1000, 1500, 2000, 3000, 5000, 10_000];
  let at = 0;
  for (const mark of marks) {
    steps.push(['PFADD', 'g', ...elements(at, mark)], ['PFCOUNT', 'g'], ['GET', 'g'], ['STRLEN', 'g']);
    at = mark;
  }
  for (let n = 10_000; n < 200_000; n += 10_000) {
    steps.push(['PFADD', 'g', ...elements(n, n + 10_000)], ['PFCOUNT', 'g']);
  }
  steps.push(['GET', 'g'], ['PFADD', 'g', ...elements(0, 1000)]);
  return steps;
}

/** One element at a time around the sparse limit, where the exact opcode edits decide the bytes. */
function sparseEdges(): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < 1200; i++) {
    steps.push(['PFADD', 's', `x${i}`]);
    if (i % 37 === 0) steps.push(['GET', 's']);
  }
  steps.push(['GET', 's'], ['PFCOUNT', 's'], ['GET', 's']);
  return steps;
}

function merges(): Step[] {
  return [
    ['PFADD', 'm1', ...elements(0, 300, 'a')],
    ['PFADD', 'm2', ...elements(200, 5000, 'a')],
    ['PFADD', 'm3', ...elements(100, 400, 'b')],
    ['PFCOUNT', 'm1', 'm2', 'm3'],
    ['PFCOUNT', 'm1', 'm3'],
    ['PFMERGE', 'sp', 'm1', 'm3'],
    ['GET', 'sp'],
    ['PFCOUNT', 'sp'],
    ['PFMERGE', 'dn', 'm1', 'm2'],
    ['GET', 'dn'],
    ['PFCOUNT', 'dn'],
    ['PFMERGE', 'm3', 'm2'],
    ['GET', 'm3'],
    ['PFMERGE', 'm1', 'm1'],
    ['GET', 'm1'],
  ];
}

/** Redis's own bytes stored with SET must count the same here: run the same words through GET/SET. */
function roundTrip(): Step[] {
  return [
    ['SET', 'raw', 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x5f\xff\x84\x7f\xff'],
    ['PFCOUNT', 'raw'],
    ['GET', 'raw'],
    ['PFADD', 'raw', 'q'],
    ['GET', 'raw'],
    ['PFCOUNT', 'raw'],
    // Registers above 51 never come from PFADD but are valid dense bytes.
    ['SET', 'wide', `HYLL${'\x00'.repeat(12)}${'\xff'.repeat(12288)}`],
    ['PFCOUNT', 'wide'],
    ['PFCOUNT', 'wide', 'raw'],
    ['PFMERGE', 'wide2', 'raw', 'wide'],
    ['PFCOUNT', 'wide2'],
    // A one-register XZERO (Redis never writes one) shrinks when split.
    ['SET', 'short', 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x40\x00\x7f\xfe'],
    ['SET', 'one', 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x80\x7f\xfe'],
    ['PFCOUNT', 'short'],
    ['PFCOUNT', 'one'],
    ['PFMERGE', 'short', 'one'],
    ['GET', 'short'],
    // A VAL run past the last register.
    ['SET', 'over', 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xfe\x83'],
    ['PFCOUNT', 'over'],
    ['PFCOUNT', 'over', 'one'],
    ['PFMERGE', 'x', 'over'],
  ];
}

const ELEMENTS = ['a', 'b', 'c', 'd', '', '\x00', '\xff', 'long-element-name-1234567890'];

function op(g: Gen): Step {
  const k = g.pick(['h1', 'h2', 'h3']);
  switch (g.int(0, 7)) {
    case 0:
    case 1:
    case 2:
      return `PFADD ${k} ${quote(g.pick(ELEMENTS))} ${quote(`${g.int(0, 500)}`)}`;
    case 3:
      return `PFCOUNT ${k}`;
    case 4:
      return `PFCOUNT ${k} ${g.pick(['h1', 'h2', 'h3'])}`;
    case 5:
      return `PFMERGE ${k} ${g.pick(['h1', 'h2', 'h3'])}`;
    case 6:
      return `GET ${k}`;
    default:
      return g.chance(0.2) ? `DEL ${k}` : `PFADD ${k}`;
  }
}

differential('hyperloglog', [
  ...cases,
  { name: 'growth from empty to 200k distinct elements', steps: growth() },
  { name: 'single adds across the sparse range', steps: sparseEdges() },
  { name: 'PFCOUNT and PFMERGE of sparse and dense keys', steps: merges() },
  { name: 'hand-made sparse bytes', steps: roundTrip() },
  ...generated('random HLL operations', 6, 120, op),
]);
