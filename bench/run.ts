// Benchmark entry point: `npm run bench -- <name> [options]`.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchModule } from './lib/types.js';

interface BenchEntry {
  about: string;
  load: () => Promise<BenchModule>;
}

// One line per benchmark. Loaded on demand, so one benchmark's imports never
// slow down or break another.
const benches: Readonly<Record<string, BenchEntry>> = {
  spec: {
    about: 'validate the compose corpus: Berth (in-process, CLI) vs dclint and the bare YAML parse (limit)',
    load: () => import('./spec.js'),
  },
  cli: {
    about: 'start-up of berth --version, --help, validate one file, ps through the API vs node -e 0',
    load: () => import('./cli.js'),
  },
  deploy: {
    about: '3-level stack and force1, cold and one service changed: Berth vs docker-compose, readiness limit',
    load: () => import('./deploy.js'),
  },
  audit: { about: 'audit the corpus: Berth (in-process, CLI) vs dclint', load: () => import('./audit.js') },
  api: { about: 'berth serve: /api/v1/stacks latency at a fixed rate, RSS', load: () => import('./api.js') },
  health: {
    about: 'berth serve running 1,000 http probes: CPU share, scheduling lag, RSS vs a bare node peer',
    load: () => import('./health.js'),
  },
  backup: {
    about: 'MariaDB 1 GB and 3 GB: Berth backup run vs mariadb-dump | gzip, peak RSS',
    load: () => import('./backup.js'),
  },
  web: {
    about:
      'web dashboard, 50 stacks: stacks page response time and bytes vs the API list, chromium first paint',
    load: () => import('./web.js'),
  },
  readme: {
    about: "rewrite the README's performance table from bench/results/*.json (the last run of each bench)",
    load: () => import('./readme.js'),
  },
};

function usage(): string {
  const names = Object.entries(benches).map(([name, entry]) => `  ${name.padEnd(10)} ${entry.about}`);
  return ['usage: npm run bench -- <name> [options]   (<name> --help for its options)', '', ...names].join(
    '\n',
  );
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h') {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const entry = name === undefined ? undefined : benches[name];
  if (entry === undefined) {
    process.stderr.write(
      `${name === undefined ? 'no benchmark named' : `unknown benchmark: ${name}`}\n${usage()}\n`,
    );
    return 2;
  }
  const bench = await entry.load();
  return bench.run(rest, {
    repoRoot: join(dirname(fileURLToPath(import.meta.url)), '..'),
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
  });
}

process.exitCode = await main(process.argv.slice(2));
