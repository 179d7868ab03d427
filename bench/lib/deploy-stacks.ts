// The stacks the deploy benchmark deploys: a three-level stack (MariaDB ← api ← web, 1 s healthcheck
// intervals, local images) written here, and a copy of examples/force1 whose worker takes one more
// variable, so one service can change between two deploys.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BenchStack {
  /** Shown in tables and figure names. */
  readonly label: string;
  readonly dir: string;
  /** The service whose environment the one-service-changed deploy changes (a leaf: nothing depends on it). */
  readonly changed: string;
  /** Environment for a deploy; `rev` changes only `changed`. */
  env(rev: number, port: string): Record<string, string>;
  /** Services needing images built from the folder first (untimed). */
  readonly builds: boolean;
}

const BUSYBOX_HTTPD = (text: string) =>
  `["sh", "-c", "trap 'exit 0' TERM; mkdir -p /srv && echo ${text} > /srv/index.html && httpd -p 8080 -h /srv; while :; do sleep 1 & wait; done"]`;

const THREE_LEVEL = `# Deploy benchmark: MariaDB ← api ← web, each gated on its healthcheck (1 s intervals).
services:
  db:
    image: local/services:1
    command: ["mariadbd", "--user=mysql", "--bind-address=0.0.0.0", "--skip-name-resolve"]
    healthcheck:
      test: ["CMD", "mariadb-admin", "ping", "--silent"]
      interval: 1s
      timeout: 3s
      retries: 30
  api:
    image: local/busybox:1
    command: ${BUSYBOX_HTTPD('api')}
    environment:
      REV: "\${REV_API:-0}"
    depends_on:
      db: { condition: service_healthy }
    healthcheck:
      test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/"]
      interval: 1s
      timeout: 3s
      retries: 5
  web:
    image: local/busybox:1
    command: ${BUSYBOX_HTTPD('web')}
    environment:
      REV: "\${REV_WEB:-0}"
    ports:
      - "127.0.0.1:\${WEB_PORT:-18080}:8080"
    depends_on:
      api: { condition: service_healthy }
    healthcheck:
      test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/ && wget -q -O /dev/null http://api:8080/"]
      interval: 1s
      timeout: 3s
      retries: 5
`;

export function threeLevelStack(): BenchStack {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-3level-'));
  writeFileSync(join(dir, 'compose.yaml'), THREE_LEVEL);
  return {
    label: '3-level',
    dir,
    changed: 'web',
    builds: false,
    env: (rev, port) => ({ REV_WEB: String(rev), WEB_PORT: port }),
  };
}

/** A copy of examples/force1 whose worker also reads BENCH_REV. */
export function force1Stack(repoRoot: string, password: string): BenchStack {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-force1-'));
  cpSync(join(repoRoot, 'examples', 'force1'), dir, { recursive: true });
  const file = join(dir, 'compose.yaml');
  const text = readFileSync(file, 'utf8');
  const worker = text.indexOf('\n  worker:\n');
  const anchor = '      <<: *app-env\n';
  const at = text.indexOf(anchor, worker);
  if (worker === -1 || at === -1) throw new Error(`${file}: no worker environment to extend`);
  const cut = at + anchor.length;
  writeFileSync(file, `${text.slice(0, cut)}      BENCH_REV: "\${BENCH_REV:-0}"\n${text.slice(cut)}`);
  return {
    label: 'force1',
    dir,
    changed: 'worker',
    builds: true,
    env: (rev, port) => ({ DB_PASSWORD: password, WEB_PORT: port, BENCH_REV: String(rev) }),
  };
}
