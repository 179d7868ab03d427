import { type Document, isMap, isScalar, isSeq, type Node, parseDocument, Scalar } from 'yaml';

/**
 * Edits to a compose file that keep every other byte as written. The yaml Document API finds the
 * nodes and their source ranges; the change is then spliced into the original text, because
 * `Document.toString()` re-renders the whole file (it moves trailing comments, re-indents
 * sequences, pads flow collections and drops blank lines) and the fix must touch only its lines.
 */
export type YamlEdit =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly why: string };

export const NO_NEW_PRIVILEGES = 'no-new-privileges:true';

const fail = (why: string): YamlEdit => ({ ok: false, why });

type Doc = Document.Parsed;

function parse(text: string): Doc | undefined {
  const doc = parseDocument(text);
  return doc.errors.length > 0 ? undefined : doc;
}

function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

/** A plain image reference stays plain; anything else is written double-quoted. */
function renderLike(node: Scalar, value: string): string | undefined {
  switch (node.type) {
    case Scalar.QUOTE_DOUBLE:
      return JSON.stringify(value);
    case Scalar.QUOTE_SINGLE:
      return `'${value.replace(/'/g, "''")}'`;
    case Scalar.PLAIN:
      return /^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/.test(value) ? value : JSON.stringify(value);
    default:
      return undefined;
  }
}

/** Re-reads the edited text and checks the edit did what it meant to, and nothing to the syntax. */
function verified(text: string, check: (doc: Doc) => boolean): YamlEdit {
  const doc = parse(text);
  return doc && check(doc)
    ? { ok: true, text }
    : fail('the edited file did not read back as intended; change it by hand');
}

/** Sets `services.<service>.image` to `image`, in the quoting style it was written in. */
export function setImage(text: string, service: string, image: string): YamlEdit {
  const doc = parse(text);
  if (!doc) return fail('the file does not parse');
  const path = ['services', service, 'image'];
  const node = doc.getIn(path, true) as Node | undefined;
  if (!isScalar(node) || typeof node.value !== 'string' || !node.range) {
    return fail('the image is not written as a plain value in this file (an anchor, merge key or extends?)');
  }
  if (node.value.includes('${'))
    return fail(`the image is interpolated (${node.value}): set the variable instead`);
  const rendered = renderLike(node, image);
  if (rendered === undefined) return fail('the image is written as a block scalar');
  const edited = splice(text, node.range[0], node.range[1], rendered);
  return verified(edited, (d) => d.getIn(path) === image);
}

const hasNoNewPrivileges = (value: unknown): boolean =>
  Array.isArray(value) &&
  value.some((v) => typeof v === 'string' && /^no-new-privileges([:=]true)?$/i.test(v.trim()));

/** The service's security_opt once `<<` merge keys are resolved (undefined: it has none). */
function mergedSecurityOpt(text: string, service: string): unknown {
  const resolved = parseDocument(text, { merge: true }).toJS() as {
    services?: Record<string, { security_opt?: unknown } | null>;
  } | null;
  return resolved?.services?.[service]?.security_opt;
}

/**
 * Adds `no-new-privileges:true` to `services.<service>.security_opt`: appended to an existing list
 * (block or flow), or as a new `security_opt: [no-new-privileges:true]` key after the service's last key.
 */
export function addNoNewPrivileges(text: string, service: string): YamlEdit {
  const doc = parse(text);
  if (!doc) return fail('the file does not parse');
  const eol = eolOf(text);
  const servicePath = ['services', service];
  const optPath = [...servicePath, 'security_opt'];
  const check = (d: Doc) =>
    hasNoNewPrivileges(d.getIn(optPath, true) ? (d.getIn(optPath, true) as Node).toJSON() : undefined);
  if (check(doc)) return fail('security_opt already has no-new-privileges');
  const opts = doc.getIn(optPath, true) as Node | undefined;
  // A `<<` merge key may bring a security_opt of its own, which a key written here would replace.
  if (opts === undefined && mergedSecurityOpt(text, service) !== undefined) {
    return fail(
      `service ${service} gets security_opt from a \`<<\` merge key: add no-new-privileges:true where that list is written`,
    );
  }
  if (opts !== undefined) {
    if (!isSeq(opts) || !opts.range) return fail('security_opt is not a list');
    const last = opts.items[opts.items.length - 1] as Node | undefined;
    if (opts.flow) {
      if (last?.range)
        return verified(splice(text, last.range[1], last.range[1], `, ${NO_NEW_PRIVILEGES}`), check);
      const close = text.lastIndexOf(']', opts.range[1]);
      if (close < opts.range[0]) return fail('security_opt is not a list');
      return verified(splice(text, close, close, NO_NEW_PRIVILEGES), check);
    }
    const indent = ' '.repeat(columnOf(text, opts.range[0]));
    return verified(insertLines(text, opts.range[1], [`${indent}- ${NO_NEW_PRIVILEGES}`], eol), check);
  }
  const map = doc.getIn(servicePath, true) as Node | undefined;
  if (!isMap(map) || map.flow || !map.range || map.items.length === 0) {
    return fail(`service ${service} is not written as a block mapping in this file`);
  }
  const firstKey = map.items[0]?.key as Node | undefined;
  if (!firstKey?.range) return fail(`service ${service} has no keys in this file`);
  const indent = ' '.repeat(columnOf(text, firstKey.range[0]));
  return verified(
    insertLines(text, map.range[1], [`${indent}security_opt: [${NO_NEW_PRIVILEGES}]`], eol),
    check,
  );
}

/**
 * Inserts whole lines at `offset`, the end of a block node: right after its last line break, or
 * after a new one when the node ends the file without one.
 */
function insertLines(text: string, offset: number, lines: readonly string[], eol: string): string {
  const body = lines.join(eol);
  const atLineStart = offset > 0 && text[offset - 1] === '\n';
  return atLineStart
    ? splice(text, offset, offset, `${body}${eol}`)
    : splice(text, offset, offset, `${eol}${body}`);
}
