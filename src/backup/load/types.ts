import type { Readable } from 'node:stream';
import type { ContentFacts, Manifest } from '../../api/backups.js';
import type { ContainerInfo, ContainerSpec, Engine } from '../../engine/model.js';

/** A container a backup is loaded into (a drill's scratch container, or the service on restore). */
export interface LoadTarget {
  readonly engine: Engine;
  readonly container: ContainerInfo;
  readonly manifest: Manifest;
  /** A unique id, for temporary files. */
  readonly id: string;
  readonly signal: AbortSignal;
}

/** The artifact's plain bytes, opened anew on each call (decrypted and decompressed). */
export type OpenPlain = () => Promise<Readable>;

/** How one kind is loaded and looked at. */
export interface Loader {
  /** The scratch container of a drill: the service's own spec, changed as this kind needs. */
  scratch(spec: ContainerSpec, manifest: Manifest): ContainerSpec;
  /** Before the scratch container starts (redis reads its snapshot at start). */
  beforeStart?(
    target: Omit<LoadTarget, 'container'> & { readonly containerId: string },
    open: OpenPlain,
  ): Promise<void>;
  /** Resolves once the server in the container answers. */
  ready(target: LoadTarget): Promise<void>;
  load(target: LoadTarget, open: OpenPlain): Promise<void>;
  /** The facts of what the container now holds, and what the engine's own checks found wrong. */
  inspect(target: LoadTarget): Promise<{ facts: ContentFacts; problems: string[]; notes?: string[] }>;
}

/** Polls `check` until it answers true, the container stops, or `timeoutMs` passes. */
export async function waitUntil(
  target: LoadTarget,
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 180_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    const state = await target.engine.containers.inspect(target.container.id);
    if (state.state !== 'running') {
      throw new Error(`the container stopped (exit ${state.exitCode}) before ${what}`);
    }
    if (Date.now() > deadline)
      throw new Error(`${what} did not happen within ${Math.round(timeoutMs / 1000)} s`);
    if (target.signal.aborted) throw new Error('stopped');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
