import type { Readable } from 'node:stream';

/**
 * Where artifacts and manifests are kept. Keys are `/`-separated relative paths
 * (`<stack>/<service>/<id>.sql.gz.age`). A write is atomic: until it completes, the key does not
 * exist; a failed or killed write leaves at most a partial that `cleanPartials` removes.
 */
export interface ArtifactStore {
  readonly name: string;
  /** Where it is, for messages (a folder, a bucket URL). */
  readonly where: string;
  write(key: string, body: Readable, signal?: AbortSignal): Promise<void>;
  read(key: string, signal?: AbortSignal): Promise<Readable>;
  /** The stored size, or undefined when the key does not exist. */
  size(key: string): Promise<number | undefined>;
  /** Removing what is not there is not an error. */
  remove(key: string): Promise<void>;
  /** Every key under `prefix` (complete objects only). */
  list(prefix: string): Promise<string[]>;
  /**
   * Removes what interrupted writes left, except the partials of keys `keep` says are still being
   * written (by a live process); returns how many went.
   */
  cleanPartials(keep?: (key: string) => boolean): Promise<number>;
}

/** Keys are made by Berth from checked names; anything else is refused before it reaches a store. */
export function checkKey(key: string): string {
  if (!/^[a-z0-9][a-z0-9_.-]*(\/[a-z0-9][a-z0-9_.-]*)*$/i.test(key) || key.includes('..')) {
    throw new Error(`not a backup key: ${JSON.stringify(key)}`);
  }
  return key;
}
