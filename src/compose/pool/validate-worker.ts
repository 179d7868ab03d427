// A worker thread of validatePaths' pool: builds the registry once, then loads the batches of paths
// it is sent (their reads overlapping) and answers with what each path gave.
import { fileURLToPath } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { mapLimit } from '../load/discover.js';
import { useBlockingReads } from '../load/source.js';
import type { LoadOptions } from '../stack.js';
import { loadPath, READS_IN_FLIGHT } from './load-path.js';
import type { BatchReply, BatchRequest, WorkerSetup } from './protocol.js';
import { registryFrom } from './registry-source.js';

const setup = workerData as WorkerSetup;
const port = parentPort;

async function options(): Promise<LoadOptions> {
  // Compiled, this worker is an ES module and imports the registry's. From the TypeScript sources it
  // runs under tsx's require hook (see validate-pool.ts), and only require() loads TypeScript there.
  const load = typeof require === 'function' ? (url: string) => require(fileURLToPath(url)) : undefined;
  return {
    env: setup.env,
    registry: await registryFrom(setup.registry, load),
    ...(setup.profiles ? { profiles: setup.profiles } : {}),
  };
}

if (port) {
  // This thread only loads: a read that blocks it holds nothing else up, and costs less than handing
  // each stat and read to libuv's thread pool and back.
  useBlockingReads();
  // Once per worker: the registry (and with it the compose schema) is built here, not per file.
  const ready = options();
  port.on('message', (batch: BatchRequest) => {
    ready
      .then((opts) => mapLimit(batch.paths, READS_IN_FLIGHT, (path) => loadPath(path, opts)))
      .then(
        (loads): BatchReply => ({ ok: true, first: batch.first, loads }),
        (error: unknown): BatchReply => ({ ok: false, first: batch.first, error: String(error) }),
      )
      .then((reply) => port.postMessage(reply));
  });
}
