// Backup benchmark: a MariaDB database of about 1 GB (then 3 GB) of dump, backed up by Berth (the
// compiled CLI, `berth --local backup run`: mariadb-dump streamed out of the container, gzip, age,
// sha256, a directory store) and by the plain peer `docker exec … mariadb-dump … | gzip > file`
// on the same data in the same run. It prints the throughput ratio and Berth's peak RSS at each
// size; it measures and never asserts.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { connectEngine } from '../src/engine/index.js';
import { BerthLabel, type Engine } from '../src/engine/model.js';
import { parseArgs, positiveInt } from './lib/args.js';
import { buildBerth, type CompiledBerth } from './lib/build.js';
import { removeLabelled } from './lib/engine.js';
import { timeProcess } from './lib/proc.js';
import { formatTable, seconds } from './lib/table.js';
import type { BenchContext } from './lib/types.js';

const USAGE = `usage: npm run bench -- backup [--sizes 1,3] [--runs N]
  --sizes A,B  dump sizes in GB, grown in turn in one database (default 1,3)
  --runs N     timed backups per tool, variant and size, alternating which goes first (default 1)
Berth runs twice per size: with node's defaults, and with --max-semi-space-size=2 (a smaller
young generation: less memory for a little more garbage collection).
Needs the engine and local/services:1 (scripts/test-images.sh), the docker CLI and gzip, and
about 3 × the largest size of free disk. The stack is berth-bench-backup-<hex>, removed after.`;

const GOAL_RATIO = 0.9;
const GOAL_RSS_MB = 150;
/** Rows per GB of dump: each row dumps as about 225 bytes (ids, hex digests and some text). */
const ROWS_PER_GB = 4_500_000;
const BATCH = 500_000;
const DUMP_FLAGS = ['--single-transaction', '--routines', '--triggers', '--events', '--hex-blob'];

const compose = (name: string) => `name: ${name}
services:
  db:
    image: local/services:1
    command: ["sh", "-c", "exec mariadbd --user=mysql --bind-address=127.0.0.1 --innodb-buffer-pool-size=1G --innodb-log-file-size=512M --innodb-flush-log-at-trx-commit=0"]
    volumes: [data:/var/lib/mysql]
    healthcheck:
      test: ["CMD", "mariadb-admin", "ping", "--silent"]
      interval: 2s
      retries: 30
    x-berth:
      backup: { kind: mariadb, databases: [bench], drill: "@weekly" }
volumes:
  data:
`;

/** Prints the peak RSS of the process it is preloaded into (`--import`), in KiB, to a file. */
const MAXRSS_PRELOAD = `import { writeFileSync } from 'node:fs';
process.on('exit', () => writeFileSync(process.env.BENCH_MAXRSS_FILE, String(process.resourceUsage().maxRSS)));
`;

interface Timed {
  ms: number;
  bytes: number;
  rssKiB?: number;
}

/** `docker exec C mariadb-dump … | gzip -6 > file`: two processes joined by an OS pipe, as a shell would. */
function peerDump(container: string, file: string): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const out = openSync(file, 'w');
    const dump = spawn(
      'docker',
      ['exec', container, 'mariadb-dump', '-uroot', ...DUMP_FLAGS, '--databases', 'bench'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const gzip = spawn('gzip', ['-6', '-c'], { stdio: [dump.stdout, out, 'inherit'] });
    let left = 2;
    const codes: (number | null)[] = [];
    const done = (code: number | null) => {
      codes.push(code);
      if (--left > 0) return;
      closeSync(out);
      if (codes.some((c) => c !== 0))
        reject(new Error(`mariadb-dump | gzip exited with ${codes.join(', ')}`));
      else resolve({ ms: performance.now() - t0, bytes: statSync(file).size });
    };
    dump.on('error', reject);
    gzip.on('error', reject);
    dump.on('exit', done);
    gzip.on('exit', done);
  });
}

/** How the Berth process is started: node's defaults, and a smaller young generation. */
const VARIANTS = [
  { name: 'node defaults', nodeOptions: '' },
  { name: '--max-semi-space-size=2', nodeOptions: '--max-semi-space-size=2' },
] as const;

interface Setup {
  dir: string;
  env: Record<string, string | undefined>;
  berth: CompiledBerth;
  stack: string;
}

async function berthCli(s: Setup, args: string[], rssFile?: string, nodeOptions = '') {
  const run = await timeProcess(
    process.execPath,
    [s.berth.entry, '--local', '-w', join(s.dir, 'ws'), ...args],
    {
      cwd: s.dir,
      env: {
        ...s.env,
        ...(rssFile
          ? {
              NODE_OPTIONS: `--import ${pathToFileURL(join(s.dir, 'maxrss.mjs')).href} ${nodeOptions}`,
              BENCH_MAXRSS_FILE: rssFile,
            }
          : {}),
      },
    },
  );
  if (run.code !== 0)
    throw new Error(`berth ${args.join(' ')} exited with ${run.code}:\n${run.stderr.slice(-2000)}`);
  return run;
}

async function berthBackup(s: Setup, nodeOptions: string): Promise<Timed & { plain: number }> {
  const rssFile = join(s.dir, 'maxrss');
  const run = await berthCli(s, ['backup', 'run', s.stack, 'db', '--json'], rssFile, nodeOptions);
  const result = JSON.parse(run.stdout) as {
    manifest?: { artifact?: { size?: number; plainSize?: number } };
  };
  const artifact = result.manifest?.artifact;
  if (artifact?.size === undefined || artifact.plainSize === undefined)
    throw new Error('berth printed no manifest');
  return {
    ms: run.ms,
    bytes: artifact.size,
    plain: artifact.plainSize,
    rssKiB: Number(readFileSync(rssFile, 'utf8')),
  };
}

async function exec(engine: Engine, id: string, sql: string): Promise<string> {
  const r = await engine.exec.run(id, ['mariadb', '-uroot', '-N', '-B', '-e', sql], {
    timeoutMs: 30 * 60_000,
  });
  if (r.exitCode !== 0) throw new Error(`mariadb failed (${r.exitCode}): ${r.stderr}`);
  return r.stdout.trim();
}

/** Grows bench.items to `rows` rows, in batches generated inside the server (SEQUENCE engine). */
async function grow(engine: Engine, id: string, rows: number, out: (line: string) => void): Promise<void> {
  await exec(
    engine,
    id,
    'CREATE DATABASE IF NOT EXISTS bench; CREATE TABLE IF NOT EXISTS bench.items (id BIGINT PRIMARY KEY, code CHAR(32), body VARCHAR(255), n INT)',
  );
  let have = Number(await exec(engine, id, 'SELECT COALESCE(MAX(id), 0) FROM bench.items'));
  const t0 = performance.now();
  while (have < rows) {
    const to = Math.min(rows, have + BATCH);
    await exec(
      engine,
      id,
      `INSERT INTO bench.items SELECT seq, MD5(seq), CONCAT(SHA2(seq, 256), ' ', MD5(seq + 1), ' ', SHA1(seq), ' the quick brown fox jumps over'), seq % 100000 FROM bench.seq_${have + 1}_to_${to}`,
    );
    have = to;
  }
  out(
    `data     bench.items has ${rows.toLocaleString('en')} rows (grown in ${seconds(performance.now() - t0)}s)`,
  );
}

async function setUp(ctx: BenchContext, engine: Engine): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-backup-'));
  const stack = `berth-bench-backup-${randomBytes(3).toString('hex')}`;
  mkdirSync(join(dir, 'ws', stack), { recursive: true });
  writeFileSync(join(dir, 'ws', stack, 'compose.yaml'), compose(stack));
  const identity = await generateIdentity();
  writeFileSync(join(dir, 'key.txt'), `${identity}\n`, { mode: 0o600 });
  writeFileSync(
    join(dir, 'config.yaml'),
    `backup:\n  stores:\n    local: { type: dir, path: ${JSON.stringify(join(dir, 'store'))} }\n  recipients: [${await identityToRecipient(identity)}]\n  identity: ${JSON.stringify(join(dir, 'key.txt'))}\n`,
  );
  writeFileSync(join(dir, 'maxrss.mjs'), MAXRSS_PRELOAD);
  ctx.out('build    compiling Berth (untimed)…');
  const berth = await buildBerth(ctx.repoRoot);
  const env = {
    PATH: ctx.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    BERTH_STATE_DIR: join(dir, 'state'),
    BERTH_CONFIG: join(dir, 'config.yaml'),
    BERTH_LOG_LEVEL: 'warn',
  };
  const s = { dir, env, berth, stack };
  await berthCli(s, ['up', stack]);
  const [db] = await engine.containers.list({ [BerthLabel.Stack]: stack, [BerthLabel.Service]: 'db' });
  if (!db) throw new Error(`no db container of ${stack}`);
  return s;
}

const mbps = (bytes: number, ms: number) => (bytes / 1e6 / (ms / 1000)).toFixed(1);

export async function run(args: readonly string[], ctx: BenchContext): Promise<number> {
  const parsed = parseArgs(args, { flags: ['--help'], values: ['--sizes', '--runs'] });
  const sizes = (parsed.values.get('--sizes') ?? '1,3').split(',').map(Number);
  const runs = positiveInt(parsed.values.get('--runs'), 1);
  if (
    parsed.flags.has('--help') ||
    parsed.unknown.length > 0 ||
    runs === undefined ||
    sizes.some((n) => !(n > 0))
  ) {
    (parsed.flags.has('--help') ? ctx.out : (l: string) => process.stderr.write(`${l}\n`))(USAGE);
    return parsed.flags.has('--help') ? 0 : 2;
  }
  const engine = await connectEngine({});
  let s: Setup | undefined;
  try {
    s = await setUp(ctx, engine);
    const [db] = await engine.containers.list({ [BerthLabel.Stack]: s.stack, [BerthLabel.Service]: 'db' });
    if (!db) throw new Error('the db container is gone');
    const rows: string[][] = [];
    for (const gb of [...sizes].sort((a, b) => a - b)) {
      await grow(engine, db.id, Math.round(gb * ROWS_PER_GB), ctx.out);
      for (let i = 0; i < runs; i++) {
        for (const variant of VARIANTS) {
          const peer = () => peerDump(db.name, join(s?.dir ?? tmpdir(), 'peer.sql.gz'));
          const p = i % 2 === 0 ? await peer() : undefined;
          const b = await berthBackup(s, variant.nodeOptions);
          const q = p ?? (await peer());
          const ratio = q.ms / b.ms;
          const rssMB = ((b.rssKiB ?? 0) * 1024) / 1e6;
          ctx.out(
            `run      ${gb} GB #${i + 1} (${variant.name}): peer ${seconds(q.ms)}s, Berth ${seconds(b.ms)}s, ratio ${ratio.toFixed(2)}, Berth peak RSS ${rssMB.toFixed(0)} MB`,
          );
          rows.push([
            `${gb} GB`,
            `${(b.plain / 1e9).toFixed(2)} GB`,
            variant.name,
            `${seconds(q.ms)}s (${mbps(b.plain, q.ms)} MB/s, ${(q.bytes / 1e6).toFixed(0)} MB)`,
            `${seconds(b.ms)}s (${mbps(b.plain, b.ms)} MB/s, ${(b.bytes / 1e6).toFixed(0)} MB)`,
            `${ratio.toFixed(2)}× ${ratio >= GOAL_RATIO ? 'meets' : 'misses'} ≥ ${GOAL_RATIO}×`,
            `${rssMB.toFixed(0)} MB ${rssMB < GOAL_RSS_MB ? 'meets' : 'misses'} < ${GOAL_RSS_MB} MB`,
          ]);
          rmSync(join(s.dir, 'store'), { recursive: true, force: true });
        }
      }
    }
    ctx.out('');
    ctx.out(
      formatTable(
        [
          'size',
          'dump (plain)',
          'Berth node flags',
          'peer: mariadb-dump | gzip',
          'Berth: backup run',
          'throughput ratio',
          'Berth peak RSS',
        ],
        rows,
      ),
    );
    ctx.out('');
    ctx.out(
      'Same flags for both dumps (--single-transaction --routines --triggers --events --hex-blob), gzip -6.',
    );
    ctx.out(
      'Berth also encrypts (age), hashes (sha256), counts rows per table and writes a manifest; its time',
    );
    ctx.out(
      'is the whole `berth --local backup run` process (compiled), start-up included, drill not included.',
    );
    ctx.out('Each Berth run is timed against its own peer run (same data, back to back). Throughput ratio =');
    ctx.out('peer time / Berth time (≥ 1 is faster than the peer). Peak RSS = maxRSS of the');
    ctx.out('Berth process (getrusage); 1 MB = 10^6 bytes.');
    return 0;
  } catch (error: unknown) {
    process.stderr.write(`bench backup: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    if (s) {
      await removeLabelled(engine, { [BerthLabel.Stack]: s.stack }).catch(() => undefined);
      s.berth.remove();
      rmSync(s.dir, { recursive: true, force: true });
    }
  }
}
