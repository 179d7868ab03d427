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
  private partial = '';
  private copying: string | undefined;
  /** The table of a multi-line INSERT being read. */
  private inserting: string | undefined;
  private database: string | undefined;

  constructor(private readonly dialect: 'mysql' | 'postgres') {}

  push(chunk: Buffer | string): void {
    const text = this.partial + (typeof chunk === 'string' ? chunk : chunk.toString('latin1'));
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  end(): Record<string, number> {
    if (this.partial !== '') this.line(this.partial);
    this.partial = '';
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  private add(table: string, rows: number): void {
    this.counts.set(table, (this.counts.get(table) ?? 0) + rows);
  }

  private line(line: string): void {
    if (this.dialect === 'postgres') {
      const connect = /^\\connect (?:-reuse-previous=on )?"?([^" ]+)"?/.exec(line);
      if (connect?.[1] && this.copying === undefined) {
        // `\connect shop`, or as pg_dump --create writes it: `\connect -reuse-previous=on "dbname='shop'"`.
        this.database = /^dbname='(.*)'$/.exec(connect[1])?.[1] ?? connect[1];
        return;
      }
      if (this.copying !== undefined) {
        if (line === '\\.') this.copying = undefined;
        else this.add(this.copying, 1);
        return;
      }
      const copy = /^COPY ([^ ]+) .*FROM stdin;$/.exec(line);
      if (copy?.[1]) {
        this.copying = this.qualified(copy[1]);
        this.add(this.copying, 0);
      }
      return;
    }
    const use = /^USE `((?:[^`]|``)+)`;$/.exec(line);
    if (use?.[1]) {
      this.database = use[1].replaceAll('``', '`');
      return;
    }
    const create = /^CREATE TABLE `((?:[^`]|``)+)`/.exec(line);
    if (create?.[1]) {
      this.add(this.qualified(create[1]), 0);
      return;
    }
    if (this.inserting !== undefined) {
      // MariaDB 10.11+ writes one tuple per line after a bare `VALUES`, the last ending in `;`.
      this.add(this.inserting, tuples(line, 0));
      if (line.endsWith(';')) this.inserting = undefined;
      return;
    }
    const insert = /^INSERT INTO `((?:[^`]|``)+)` (?:\([^)]*\) )?VALUES( |$)/.exec(line);
    if (insert?.[1]) {
      const table = this.qualified(insert[1]);
      if (insert[2] === ' ') this.add(table, tuples(line, insert[0].length));
      else this.inserting = table;
    }
  }

  private qualified(table: string): string {
    const name = this.dialect === 'mysql' ? table.replaceAll('``', '`') : table;
    return this.database === undefined ? name : `${this.database}.${name}`;
  }
}

/** The `(…)` groups at depth 0 from `start`, skipping what is inside quotes ('…', "…", with \ escapes). */
function tuples(line: string, start: number): number {
  let depth = 0;
  let count = 0;
  let quote: string | undefined;
  for (let i = start; i < line.length; i++) {
    const ch = line[i];
    if (quote !== undefined) {
      if (ch === '\\') i++;
      else if (ch === quote) {
        if (line[i + 1] === quote) i++;
        else quote = undefined;
      }
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') {
      if (depth === 0) count++;
      depth++;
    } else if (ch === ')') depth--;
  }
  return count;
}
