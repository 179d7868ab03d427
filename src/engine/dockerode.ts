import { createRequire, Module } from 'node:module';
import type Dockerode from 'dockerode';

// dockerode, loaded when the first connection is made, without the parts of its stack Berth never runs.
// dockerode's lib/docker.js requires lib/session.js at its top (BuildKit sessions: @grpc/grpc-js,
// @grpc/proto-loader, protobufjs, uuid), and docker-modem's lib/modem.js requires lib/ssh.js (ssh://
// engines: ssh2, cpu-features): about 20 MB of resident memory that serving never uses (Berth speaks
// unix:// and tcp:// only, and builds with the classic builder). Before dockerode is loaded, those two
// files get a stand-in in the CommonJS module cache (require.cache, which Node documents as writable):
// a function that loads the real file and hands over to it on its first call, so behaviour is unchanged.

/** dockerode's `require('./session')` and docker-modem's `require('./ssh')`: both export one function. */
export const DEFERRED_FILES = ['dockerode/lib/session.js', 'docker-modem/lib/ssh.js'] as const;

type Exported = (this: unknown, ...args: unknown[]) => unknown;

const localRequire = createRequire(import.meta.url);

/** The absolute file of each deferred module, as dockerode's own requires resolve it. */
export function deferredPaths(): string[] {
  const fromDockerode = createRequire(localRequire.resolve('dockerode'));
  const [session, ssh] = DEFERRED_FILES;
  return [localRequire.resolve(session), fromDockerode.resolve(ssh)];
}

/**
 * Puts a stand-in for `file` in the module cache unless it is loaded already. The stand-in loads the
 * real module (out of the cache, then required afresh) the first time it is called, and forwards to it.
 * Returns false when the file was already loaded (nothing to defer).
 */
export function deferModule(file: string): boolean {
  if (localRequire.cache[file] !== undefined) return false;
  let real: Exported | undefined;
  const standIn: Exported = function (this: unknown, ...args: unknown[]): unknown {
    if (real === undefined) {
      if (localRequire.cache[file] === entry) Reflect.deleteProperty(localRequire.cache, file);
      real = localRequire(file) as Exported;
    }
    return real.apply(this, args);
  };
  const entry = new Module(file);
  entry.filename = file;
  entry.exports = standIn;
  entry.loaded = true;
  localRequire.cache[file] = entry;
  return true;
}

let loading: Promise<typeof Dockerode> | undefined;

/** dockerode's constructor; the first call loads it (with the deferred files put off), later calls reuse it. */
export function loadDockerode(): Promise<typeof Dockerode> {
  loading ??= (async () => {
    if (localRequire.cache[localRequire.resolve('dockerode')] === undefined) {
      for (const file of deferredPaths()) deferModule(file);
    }
    const loaded = await import('dockerode');
    return loaded.default;
  })();
  return loading;
}
