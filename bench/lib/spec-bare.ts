// The limit of the spec bench: the same files, only read and parsed by the `yaml` package, in the
// best way this machine allows: reads overlapped, the parsing spread over the same number of worker
// threads as Berth's pool. Plain JavaScript workers (eval), so nothing is transpiled on the way.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** What each worker runs: read its paths (16 in flight) and `YAML.parse` each; answers the counts. */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFile } = require('node:fs/promises');
const { parse } = require(workerData.yaml);
(async () => {
  const paths = workerData.paths;
  let next = 0;
  let documents = 0;
  let failed = 0;
  const lane = async () => {
    while (next < paths.length) {
      const text = await readFile(paths[next++], 'utf8');
      try {
        parse(text);
        documents++;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, lane));
  parentPort.postMessage({ documents, failed });
})();
`;

export interface BareParse {
  /** Files parsed. */
  readonly documents: number;
  /** Files the parser refused. */
  readonly failed: number;
}

/** Paths shared out over `threads` threads, interleaved like the batches of Berth's pool. */
function shares<T>(paths: readonly T[], threads: number): T[][] {
  return Array.from({ length: threads }, (_, t) => paths.filter((_p, i) => i % threads === t));
}

/**
 * Reads and parses (`YAML.parse`: to plain values) every path in `threads` worker threads, each
 * an interleaved share of the paths, like the batches of Berth's pool. Worker start-up is included,
 * as it is in Berth's pool.
 */
export async function bareParse(
  repoRoot: string,
  paths: readonly string[],
  threads: number,
): Promise<BareParse> {
  const yaml = createRequire(`${repoRoot}/package.json`).resolve('yaml');
  const results = await Promise.all(
    shares(paths, threads).map(
      (share) =>
        new Promise<BareParse>((resolve, reject) => {
          const worker = new Worker(WORKER, { eval: true, execArgv: [], workerData: { yaml, paths: share } });
          worker.once('message', (r: BareParse) => {
            resolve(r);
            void worker.terminate();
          });
          worker.once('error', reject);
        }),
    ),
  );
  return {
    documents: results.reduce((n, r) => n + r.documents, 0),
    failed: results.reduce((n, r) => n + r.failed, 0),
  };
}

/**
 * The same work as bareParse, as a process of its own (`node -e`): start-up, workers, reads and
 * parses, and nothing else. What a validator built on this parser, with these threads, cannot beat
 * from the command line; the bench sets dclint's time against it. Prints the counts as JSON.
 */
const PROCESS = `
const { Worker } = require('node:worker_threads');
const [yaml, threadsArg, ...paths] = process.argv.slice(1);
const threads = Number(threadsArg);
const shares = Array.from({ length: threads }, (_, t) => paths.filter((_p, i) => i % threads === t));
Promise.all(shares.map((share) => new Promise((resolve, reject) => {
  const worker = new Worker(${JSON.stringify(WORKER)}, { eval: true, workerData: { yaml, paths: share } });
  worker.once('message', (r) => { resolve(r); void worker.terminate(); });
  worker.once('error', reject);
}))).then((results) => {
  const sum = (key) => results.reduce((n, r) => n + r[key], 0);
  process.stdout.write(JSON.stringify({ documents: sum('documents'), failed: sum('failed') }));
});
`;

/** The node arguments of that process for `paths` and `threads` (run as `node <args>`). */
export function bareParseProcessArgs(repoRoot: string, paths: readonly string[], threads: number): string[] {
  const yaml = createRequire(`${repoRoot}/package.json`).resolve('yaml');
  return ['-e', PROCESS, '--', yaml, String(threads), ...paths];
}
