import {
  type Condition,
  type Measured,
  numeric,
  type Operand,
  type PathStep,
  type Right,
  type Verdict,
} from './expressions.js';

// Evaluating a parsed probe condition (expressions.ts) against what one probe run measured. Pure.

type Value = string | number | boolean | null | undefined | object;

function walk(body: string | undefined, path: readonly PathStep[]): Value {
  if (path.length === 0) return body;
  let value: unknown;
  try {
    value = JSON.parse(body ?? '');
  } catch {
    return undefined;
  }
  for (const step of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[step];
  }
  return value as Value;
}

function measured(p: Extract<Operand, { kind: 'placeholder' }>, m: Measured): Value {
  switch (p.name) {
    case 'STATUS':
      return m.status;
    case 'RESPONSE_TIME':
      return m.responseTimeMs;
    case 'BODY':
      return walk(m.body, p.path);
    case 'CERTIFICATE_EXPIRATION':
      return m.certificateExpirationMs;
    case 'DISK_USED_PERCENT':
      return m.diskUsedPercent;
    case 'CONNECTED':
      return m.connected;
    case 'IP':
      return m.ip;
    case 'DNS_RCODE':
      return m.dnsRcode;
  }
}

function resolve(o: Operand, m: Measured): Value {
  if (o.kind === 'literal') return o.text;
  if (o.kind === 'placeholder') return measured(o, m);
  const v = measured(o.of, m);
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (v !== null && typeof v === 'object') return Object.keys(v).length;
  return undefined;
}

const asText = (v: Value): string =>
  v === undefined ? '' : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
const asNumber = (v: Value): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'string' ? numeric(v) : undefined;

function equal(a: Value, b: string): boolean {
  const x = asNumber(a);
  const y = numeric(b);
  if (x !== undefined && y !== undefined) return x === y;
  return asText(a) === b;
}

/** `*` matches any run of characters; the pattern covers the whole value. */
function glob(pattern: string, text: string): boolean {
  const re = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${re.join('.*')}$`, 's').test(text);
}

const show = (v: Value): string => {
  const text = v === undefined ? 'nothing' : asText(v);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
};

function leftSource(o: Operand): string {
  if (o.kind === 'literal') return o.text;
  const p = o.kind === 'len' ? o.of : o;
  const path = p.path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('');
  return o.kind === 'len' ? `len([${p.name}]${path})` : `[${p.name}]${path}`;
}

function rightSource(r: Right): string {
  if (r.kind === 'any') return `any(${r.values.join(', ')})`;
  if (r.kind === 'pat') return `pat(${r.pattern})`;
  return leftSource(r);
}

/**
 * Evaluates a condition against what a probe run measured. With `bodyIsOutput` (the body is what a
 * program printed: command and db probes), the detail does not quote the body: it is for operators.
 */
export function evaluate(
  condition: Condition,
  m: Measured,
  options: { bodyIsOutput?: boolean } = {},
): Verdict {
  const a = resolve(condition.left, m);
  const r = condition.right;
  let ok: boolean;
  if (a === undefined) ok = false;
  else if (r.kind === 'any') ok = r.values.some((v) => equal(a, v)) === (condition.op === '==');
  else if (r.kind === 'pat') ok = glob(r.pattern, asText(a)) === (condition.op === '==');
  else {
    const b = resolve(r, m);
    if (condition.op === '==' || condition.op === '!=') {
      ok = (b !== undefined && equal(a, asText(b))) === (condition.op === '==');
    } else {
      const x = asNumber(a);
      const y = asNumber(b);
      ok =
        x !== undefined &&
        y !== undefined &&
        (condition.op === '<'
          ? x < y
          : condition.op === '<='
            ? x <= y
            : condition.op === '>'
              ? x > y
              : x >= y);
    }
  }
  const hidden =
    options.bodyIsOutput === true && condition.left.kind === 'placeholder' && condition.left.name === 'BODY';
  return {
    ok,
    detail: `${leftSource(condition.left)} (${hidden ? 'output not shown' : show(a)}) ${condition.op} ${rightSource(r)}`,
  };
}
