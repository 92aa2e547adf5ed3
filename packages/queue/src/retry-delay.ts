/**
 * `Upstash-Retry-Delay`: an arithmetic expression in ms over the variable `retried` (0 for the first retry)
 * with pow sqrt abs exp floor ceil round min max. Parsed once into a closure tree by a small recursive
 * descent parser — no `eval`, no `Function` — so a hostile expression can only fail to parse.
 */

type Node = (retried: number) => number;

const FUNCS: Record<string, [arity: number | 'n', fn: (...a: number[]) => number]> = {
  pow: [2, (a, b) => (a as number) ** (b as number)],
  sqrt: [1, Math.sqrt],
  abs: [1, Math.abs],
  exp: [1, Math.exp],
  floor: [1, Math.floor],
  ceil: [1, Math.ceil],
  round: [1, Math.round],
  min: ['n', Math.min],
  max: ['n', Math.max],
};

const MAX_LENGTH = 1000;

/** The compiled expression, or an error message. */
export function compileRetryDelay(text: string): Node | string {
  if (text.length > MAX_LENGTH) return 'retry delay expression is too long';
  const tokens = text.match(/\d+(?:\.\d+)?|[A-Za-z_]+|[-+*/%(),^]|\S/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const take = () => tokens[i++];
  const fail = (msg: string): never => {
    throw new Error(msg);
  };
  // expr := term (('+'|'-') term)*; term := unary (('*'|'/'|'%') unary)*; unary := '-' unary | power;
  // power := atom ('^' unary)?; atom := number | retried | func '(' args ')' | '(' expr ')'
  const expr = (): Node => {
    let left = term();
    for (let op = peek(); op === '+' || op === '-'; op = peek()) {
      take();
      const l = left;
      const r = term();
      left = op === '+' ? (x) => l(x) + r(x) : (x) => l(x) - r(x);
    }
    return left;
  };
  const term = (): Node => {
    let left = unary();
    for (let op = peek(); op === '*' || op === '/' || op === '%'; op = peek()) {
      take();
      const l = left;
      const r = unary();
      left = op === '*' ? (x) => l(x) * r(x) : op === '/' ? (x) => l(x) / r(x) : (x) => l(x) % r(x);
    }
    return left;
  };
  const unary = (): Node => {
    if (peek() === '-') {
      take();
      const inner = unary();
      return (x) => -inner(x);
    }
    if (peek() === '+') take();
    return power();
  };
  const power = (): Node => {
    const base = atom();
    if (peek() !== '^') return base;
    take();
    const exponent = unary();
    return (x) => base(x) ** exponent(x);
  };
  const atom = (): Node => {
    const t = take();
    if (t === undefined) return fail('unexpected end of the retry delay expression');
    if (/^\d/.test(t)) {
      const n = Number(t);
      return () => n;
    }
    if (t === '(') {
      const inner = expr();
      if (take() !== ')') fail("missing ')' in the retry delay expression");
      return inner;
    }
    if (t === 'retried') return (x) => x;
    // Own keys only: `constructor`, `__proto__`, `toString` are not functions of the grammar.
    const f = Object.hasOwn(FUNCS, t) ? FUNCS[t] : undefined;
    if (f === undefined) return fail(`unknown name '${t}' in the retry delay expression`);
    if (take() !== '(') fail(`'${t}' must be called`);
    const args: Node[] = [];
    if (peek() !== ')') {
      args.push(expr());
      while (peek() === ',') {
        take();
        args.push(expr());
      }
    }
    if (take() !== ')') fail(`missing ')' after the arguments of '${t}'`);
    const [arity, fn] = f;
    if (arity !== 'n' ? args.length !== arity : args.length === 0) fail(`wrong number of arguments to '${t}'`);
    return (x) => fn(...args.map((a) => a(x)));
  };
  try {
    const node = expr();
    if (i !== tokens.length) return `unexpected '${tokens[i]}' in the retry delay expression`;
    return node;
  } catch (err) {
    return (err as Error).message;
  }
}
