import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Node 20 has no fs.glob: a sorted recursive walk keeps runs comparable.
export function findFiles(dir: string, match: (name: string) => boolean): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findFiles(path, match));
    else if (entry.isFile() && match(entry.name)) found.push(path);
  }
  return found.sort();
}

export function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

export function totalBytes(paths: readonly string[]): number {
  return paths.reduce((sum, path) => sum + statSync(path).size, 0);
}
