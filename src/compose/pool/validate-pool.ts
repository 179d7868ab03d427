import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { BatchReply, PathLoad, WorkerSetup } from './protocol.js';

/** Paths sent to a worker at a time, at most: enough to overlap reads, few enough to balance threads. */
const BATCH = 16;

/**
 * The semi-space of the workers' young generation, in MiB. bin/berth.js gives the process 2 MiB,
 * right for streaming backups and for `berth serve`; loading compose files makes short-lived garbage
 * faster than that, and the workers live only as long as one validation. 8 MiB validates the corpus
 * as fast as V8's default (16) with about 15 MB less peak memory.
 */
export const WORKER_SEMI_SPACE_MB = 8;

/** The process's own `--max-semi-space-size` flag, to set again once the workers have their heaps. */
export function semiSpaceFlag(execArgv: readonly string[]): string {
  const given = execArgv.filter((arg) => arg.startsWith('--max-semi-space-size=')).at(-1);
  return given ?? '--max-semi-space-size=0';
}

/** Threads for `paths` paths: one per core, none idle for want of batches. */
export function poolSize(paths: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(cores, Math.ceil(paths / BATCH)));
}

/** Paths per batch: at most BATCH, and at least four batches per thread to share the work out. */
export function batchSize(paths: number, threads: number): number {
  return Math.max(1, Math.min(BATCH, Math.ceil(paths / (threads * 4))));
}

/**
 * The worker. Compiled, it is the `.js` beside this file. From the TypeScript sources (tests,
 * `npm run berth`, bin/berth.js before a build) it is the `.ts`, loaded through tsx's require hook:
 * on Node 20 a worker gets no ES module loader hooks, neither the process's nor its own.
 */
function startWorker(setup: WorkerSetup): Worker {
  const self = import.meta.url;
  // Compiled, the worker needs none of the process's flags (a tsx loader, when the caller runs under
  // one, would only slow every import down).
  if (!self.endsWith('.ts')) {
    return new Worker(new URL('./validate-worker.js', self), { workerData: setup, execArgv: [] });
  }
  const tsx = createRequire(self).resolve('tsx/cjs/api');
  const entry = fileURLToPath(new URL('./validate-worker.ts', self));
  const boot = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(entry)});`;
  return new Worker(boot, { eval: true, workerData: setup });
}

/**
 * Starts `threads` workers with V8's flag for the young generation set to WORKER_SEMI_SPACE_MB while
 * their heaps are made (a worker's heap reads the process's flags; `resourceLimits` cannot override
 * this one), and set back to the process's own once every worker is up.
 */
function startWorkers(setup: WorkerSetup, threads: number): Worker[] {
  setFlagsFromString(`--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`);
  const workers = Array.from({ length: threads }, () => startWorker(setup));
  let starting = workers.length;
  const started = () => {
    if (--starting === 0) setFlagsFromString(semiSpaceFlag(process.execArgv));
  };
  for (const worker of workers) {
    worker.once('online', started);
    worker.once('exit', () => {
      if (starting > 0) started();
    });
  }
  return workers;
}

/**
 * Loads every path in a pool of `threads` worker threads, each building the registry once and
 * keeping several loads in flight, and, with `here`, in this thread too (it takes batches like a
 * worker, from the start, while the workers load their modules); without, this thread only hands
 * out batches. The results come back in the order of `paths`. Rejects when a worker fails (the
 * caller can load in its own thread instead).
 */
export async function loadInPool(
  paths: readonly string[],
  setup: WorkerSetup,
  threads: number,
  here?: (paths: readonly string[]) => Promise<PathLoad[]>,
): Promise<PathLoad[]> {
  const results: PathLoad[] = new Array(paths.length);
  const batch = batchSize(paths.length, threads + (here ? 1 : 0));
  const workers = startWorkers(setup, threads);
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (here && !failed && next < paths.length) {
      const first = next;
      next += batch;
      (await here(paths.slice(first, first + batch))).forEach((load, i) => {
        results[first + i] = load;
      });
    }
  };
  try {
    await Promise.all([
      lane(),
      ...workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            // Two batches in flight: the worker starts the next one while its answer travels back.
            let outstanding = 0;
            const send = () => {
              if (next >= paths.length) {
                if (outstanding === 0) resolve();
                return;
              }
              const first = next;
              next += batch;
              outstanding++;
              worker.postMessage({ first, paths: paths.slice(first, first + batch) });
            };
            worker.on('message', (reply: BatchReply) => {
              if (!reply.ok) return reject(new Error(`validation worker: ${reply.error}`));
              outstanding--;
              reply.loads.forEach((load, i) => {
                results[reply.first + i] = load;
              });
              send();
            });
            worker.on('error', reject);
            worker.on('exit', (code) => reject(new Error(`validation worker exited (${code})`)));
            send();
            send();
          }),
      ),
    ]);
  } catch (error: unknown) {
    failed = true;
    throw error;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
