/**
 * Counts the rows a SQL dump holds, table by table, while it streams by: the counts of a backup
 * are those of its own snapshot, not of a separate query that writes may have overtaken.
 *
 * - MariaDB/MySQL (`mariadb-dump`): `INSERT INTO \`t\` VALUES (…),(…);` on one line (MySQL, older
 *   MariaDB) or a bare `VALUES` followed by one tuple per line (MariaDB 10.11+); rows are the tuples
 *   at depth 0, found by walking each line with quotes and escapes in mind.
 * - PostgreSQL (plain `pg_dump`): each row of `COPY s.t (…) FROM stdin;` is one line, up to `\.`.
 *
 * Pure and incremental: feed it chunks, read the counts at the end.
 */
export class SqlRowCounter {
  private readonly counts = new Map<string, number>();
  /** The start of a line cut by the chunk's end (a copy: chunks are not kept). */
  private partial: Buffer = Buffer.alloc(0);
  private copying: string | undefined;
  /** The table of a multi-line INSERT being read. */
  private inserting: string | undefined;
  private database: string | undefined;

  constructor(private readonly dialect: 'mysql' | 'postgres') {}

  /**
   * Works on the bytes: rows are counted without making a string of them (a dump of gigabytes
   * is millions of lines; only the few statement lines are decoded).
   */
  push(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
    let from = 0;
    let nl = bytes.indexOf(NL, from);
    if (nl >= 0 && this.partial.length > 0) {
      const joined = Buffer.concat([this.partial, bytes.subarray(0, nl)]);
      this.line(joined, 0, joined.length);
      this.partial = Buffer.alloc(0);
      from = nl + 1;
      nl = bytes.indexOf(NL, from);
    }
    // Lines are (start, end) offsets into the chunk: no object is made per line.
    while (nl >= 0) {
      this.line(bytes, from, nl);
      from = nl + 1;
      nl = bytes.indexOf(NL, from);
    }
    if (from < bytes.length) this.partial = Buffer.concat([this.partial, bytes.subarray(from)]);
  }

  end(): Record<string, number> {
    if (this.partial.length > 0) this.line(this.partial, 0, this.partial.length);
    this.partial = Buffer.alloc(0);
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  private add(table: string, rows: number): void {
    this.counts.set(table, (this.counts.get(table) ?? 0) + rows);
  }

  private line(buf: Buffer, start: number, end: number): void {
    const first = start < end ? buf[start] : undefined;
    if (this.dialect === 'postgres') {
      if (this.copying !== undefined) {
        if (end - start === 2 && first === BACKSLASH && buf[start + 1] === DOT) this.copying = undefined;
        else this.add(this.copying, 1);
        return;
      }
      if (first !== BACKSLASH && first !== C) return;
      const text = buf.toString('latin1', start, end);
      const connect = /^\\connect (?:-reuse-previous=on )?"?([^" ]+)"?/.exec(text);
      if (connect?.[1]) {
        // `\connect shop`, or as pg_dump --create writes it: `\connect -reuse-previous=on "dbname='shop'"`.
        this.database = /^dbname='(.*)'$/.exec(connect[1])?.[1] ?? connect[1];
        return;
      }
      const copy = /^COPY ([^ ]+) .*FROM stdin;$/.exec(text);
      if (copy?.[1]) {
        this.copying = this.qualified(copy[1]);
        this.add(this.copying, 0);
      }
      return;
    }
    if (this.inserting !== undefined) {
      // MariaDB 10.11+ writes one tuple per line after a bare `VALUES`, the last ending in `;`.
      this.add(this.inserting, tuples(buf, start, end));
      if (end > start && buf[end - 1] === SEMICOLON) this.inserting = undefined;
      return;
    }
    if (first !== U && first !== C && first !== I) return;
    // Statement lines: decoded up to the start of their values (an INSERT line may be megabytes).
    const values = buf.indexOf(' VALUES', start);
    const cut = values >= 0 && values < end ? Math.min(values + 8, end) : end;
    this.statement(buf, start, end, buf.toString('latin1', start, cut));
  }

  private statement(buf: Buffer, start: number, end: number, text: string, whole = false): void {
    const use = /^USE `((?:[^`]|``)+)`;$/.exec(text);
    if (use?.[1]) {
      this.database = use[1].replaceAll('``', '`');
      return;
    }
    const create = /^CREATE TABLE `((?:[^`]|``)+)`/.exec(text);
    if (create?.[1]) {
      this.add(this.qualified(create[1]), 0);
      return;
    }
    const insert = /^INSERT INTO `((?:[^`]|``)+)` (?:\([^)]*\) )?VALUES( |$)/.exec(text);
    if (insert?.[1]) {
      const table = this.qualified(insert[1]);
      if (insert[2] === ' ') this.add(table, tuples(buf, start + insert[0].length, end));
      else this.inserting = table;
    } else if (!whole && text.startsWith('INSERT INTO ')) {
      // ' VALUES' was found inside a table or column name: read the whole line.
      this.statement(buf, start, end, buf.toString('latin1', start, end), true);
    }
  }

  private qualified(table: string): string {
    const name = this.dialect === 'mysql' ? table.replaceAll('``', '`') : table;
    return this.database === undefined ? name : `${this.database}.${name}`;
  }
}

const NL = 0x0a;
const BACKSLASH = 0x5c;
const DOT = 0x2e;
const SEMICOLON = 0x3b;
const QUOTE = 0x27;
const DQUOTE = 0x22;
const OPEN = 0x28;
const CLOSE = 0x29;
const C = 0x43;
const I = 0x49;
const U = 0x55;

/** The `(…)` groups at depth 0 in `[start, end)`, skipping what is inside quotes ('…', "…", with \\ escapes). */
function tuples(line: Uint8Array, start: number, end: number): number {
  let depth = 0;
  let count = 0;
  let quote = 0;
  for (let i = start; i < end; i++) {
    const ch = line[i];
    if (quote !== 0) {
      if (ch === BACKSLASH) i++;
      else if (ch === quote) {
        if (i + 1 < end && line[i + 1] === quote) i++;
        else quote = 0;
      }
      continue;
    }
    if (ch === QUOTE || ch === DQUOTE) quote = ch;
    else if (ch === OPEN) {
      if (depth === 0) count++;
      depth++;
    } else if (ch === CLOSE) depth--;
  }
  return count;
}
