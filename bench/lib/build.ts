// A throwaway compiled build of Berth for benchmarks: what `npm run build` ships (tsc to JavaScript,
// run by plain node), but in a temp folder so the checkout's own dist/ is never touched.
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timeProcess } from './proc.js';

export interface CompiledBerth {
  /** The temp folder: dist/, node_modules (a link to the checkout's), package.json, the entry. */
  readonly root: string;
  /** Run with `node <entry> <berth args>`, like bin/berth.js does with dist/cli/main.js. */
  readonly entry: string;
  /** Wall time of tsc. */
  readonly ms: number;
  /** tsc's diagnostics (e.g. a type error in a file being edited); the JavaScript is emitted anyway. */
  readonly diagnostics: string[];
  remove(): void;
}

/** The entry module: what bin/berth.js does when dist/ exists, with the compiled main next to it. */
export const ENTRY_SOURCE = [
  "import { main } from './dist/cli/main.js';",
  'process.exitCode = await main(process.argv.slice(2));',
  '',
].join('\n');

/** Compiled files are ES modules with a `.js` suffix: they need the nearest package.json to say so. */
export const PACKAGE_JSON = `${JSON.stringify({ private: true, type: 'module' })}\n`;

/** The `file(line,col): error TSxxxx: ...` lines of tsc's output (continuation lines dropped). */
export function tscErrors(output: string): string[] {
  return output.split('\n').filter((line) => /\berror TS\d+:/.test(line));
}

/**
 * Compiles the checkout with `tsc -p tsconfig.build.json --outDir <tmp>/dist`. Bare imports resolve
 * through `<tmp>/node_modules`, a symlink to the checkout's. Throws when no CLI was emitted.
 */
export async function buildBerth(repoRoot: string): Promise<CompiledBerth> {
  const root = mkdtempSync(join(tmpdir(), 'berth-bench-build-'));
  const remove = () => rmSync(root, { recursive: true, force: true });
  try {
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const outDir = join(root, 'dist');
    const run = await timeProcess(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    const main = join(outDir, 'cli', 'main.js');
    if (!existsSync(main)) {
      throw new Error(`tsc emitted no ${main} (exit ${run.code ?? run.signal}):\n${run.stdout}${run.stderr}`);
    }
    // What `npm run build` copies next to the compiled dashboard (tsc emits no CSS).
    const assets = join(repoRoot, 'src', 'web', 'assets');
    if (existsSync(assets)) cpSync(assets, join(outDir, 'web', 'assets'), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
    writeFileSync(join(root, 'package.json'), PACKAGE_JSON);
    const entry = join(root, 'berth.mjs');
    writeFileSync(entry, ENTRY_SOURCE);
    return { root, entry, ms: run.ms, diagnostics: tscErrors(run.stdout + run.stderr), remove };
  } catch (error: unknown) {
    remove();
    throw error;
  }
}
