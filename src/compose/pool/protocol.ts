import type { Diagnostic } from '../diagnostics.js';

// The messages between validatePaths and its worker threads (structured clones: plain data only).

/** Where a worker builds the x-berth registry again: it holds functions, so it cannot be sent. */
export interface RegistrySource {
  /** URL of the module (e.g. `new URL('../app/registry.js', import.meta.url).href`). */
  readonly url: string;
  /** The name of its exported function that returns the registry. */
  readonly export: string;
}

/** What every load of the pool shares; sent once, as the worker's workerData. */
export interface WorkerSetup {
  readonly registry: RegistrySource;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly profiles?: readonly string[];
}

/** A batch of paths to load: `first` is the index of `paths[0]` in the whole list. */
export interface BatchRequest {
  readonly first: number;
  readonly paths: readonly string[];
}

/** What one path's load gave, as validatePaths merges it. */
export interface PathLoad {
  readonly files: string[];
  readonly diagnostics: Diagnostic[];
}

export type BatchReply =
  | { readonly ok: true; readonly first: number; readonly loads: PathLoad[] }
  | { readonly ok: false; readonly first: number; readonly error: string };
