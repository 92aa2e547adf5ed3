/**
 * JsonValue → JSON text as RedisJSON prints it (serde_json): compact by default, integers as integers,
 * floats in ryu's shortest form with a fractional part or exponent (1.0, 0.1, 1e16, 1.5e-7), strings with
 * only `"`, `\` and control characters escaped. INDENT / NEWLINE / SPACE lay it out as RedisJSON's
 * formatter does: NEWLINE then INDENT×depth before each element and before a closing bracket of a
 * non-empty container, SPACE after a member's colon.
 */
import { fromUtf8 } from '../../bytes.ts';
import { JFloat, type JsonValue } from '../../types/json.ts';

export interface Layout {
  indent: string;
  newline: string;
  space: string;
}

/** A float as ryu formats it (what serde_json writes for an f64). */
export function formatFloat(n: number): string {
  if (!Number.isFinite(n)) return 'null';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const sign = n < 0 ? '-' : '';
  const [mant, exp] = Math.abs(n).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const len = digits.length;
  const kk = Number(exp) + 1; // where the decimal point falls, counted from the first digit
  if (kk >= len && kk <= 16) return `${sign}${digits}${'0'.repeat(kk - len)}.0`;
  if (kk > 0 && kk <= 16) return `${sign}${digits.slice(0, kk)}.${digits.slice(kk)}`;
  if (kk > -5 && kk <= 0) return `${sign}0.${'0'.repeat(-kk)}${digits}`;
  const e = `e${kk - 1}`;
  return len === 1 ? `${sign}${digits}${e}` : `${sign}${digits[0]}.${digits.slice(1)}${e}`;
}

/** A number in the document: integers plainly, floats as ryu does. */
export function formatNumber(v: number | bigint | JFloat): string {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof JFloat) return formatFloat(v.value);
  return Number.isInteger(v) ? String(v) : formatFloat(v);
}

function compact(v: JsonValue, out: string[]): void {
  if (v === null) out.push('null');
  else if (typeof v === 'string') out.push(JSON.stringify(v));
  else if (typeof v === 'boolean') out.push(v ? 'true' : 'false');
  else if (typeof v === 'number' || typeof v === 'bigint' || v instanceof JFloat) out.push(formatNumber(v));
  else if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(',');
      compact(v[i] as JsonValue, out);
    }
    out.push(']');
  } else {
    out.push('{');
    let first = true;
    for (const k in v) {
      if (!first) out.push(',');
      first = false;
      out.push(JSON.stringify(k), ':');
      compact(v[k] as JsonValue, out);
    }
    out.push('}');
  }
}

function laidOut(v: JsonValue, f: Layout, depth: number, out: string[]): void {
  if (v === null || typeof v !== 'object' || v instanceof JFloat) {
    compact(v, out);
    return;
  }
  const pad = (d: number) => f.newline + f.indent.repeat(d);
  if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      out.push(i > 0 ? ',' : '', pad(depth + 1));
      laidOut(v[i] as JsonValue, f, depth + 1, out);
    }
    out.push(v.length > 0 ? pad(depth) : '', ']');
    return;
  }
  out.push('{');
  let any = false;
  for (const k in v) {
    out.push(any ? ',' : '', pad(depth + 1), JSON.stringify(k), ':', f.space);
    any = true;
    laidOut(v[k] as JsonValue, f, depth + 1, out);
  }
  out.push(any ? pad(depth) : '', '}');
}

/** The value as JSON text (a JS string); `layout` null for compact output. */
export function toJsonText(v: JsonValue, layout: Layout | null = null): string {
  const out: string[] = [];
  if (layout === null) compact(v, out);
  else laidOut(v, layout, 0, out);
  return out.join('');
}

/** The value as a reply: JSON text as UTF-8 bytes. */
export function serialize(v: JsonValue, layout: Layout | null = null): string {
  return fromUtf8(toJsonText(v, layout));
}
