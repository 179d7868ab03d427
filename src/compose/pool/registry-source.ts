import type { XBerthRegistry } from '../xberth/registry.js';
import type { RegistrySource } from './protocol.js';

/** How a module is loaded: import() by default; the pool's worker uses require() under tsx. */
export type ModuleLoader = (url: string) => unknown;

/** Builds the x-berth registry a source names. */
export async function registryFrom(
  source: RegistrySource,
  load: ModuleLoader = (url) => import(url),
): Promise<XBerthRegistry> {
  const module = (await load(source.url)) as Record<string, unknown>;
  const build = module[source.export];
  if (typeof build !== 'function') throw new Error(`${source.url} exports no function ${source.export}`);
  return build() as XBerthRegistry;
}
