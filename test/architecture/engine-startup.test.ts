import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/import-graph.js';

// Memory of `berth serve` (issue 14): dockerode is loaded on the first engine connection, without
// the parts of its stack Berth never runs (BuildKit sessions over gRPC, ssh:// engines), about 20 MB
// of resident memory. Checked in fresh processes, since the module cache is per process; no
// memory figures here (that is `npm run bench -- api`).

/** Packages that dockerode and docker-modem require at their top, and that serving never runs. */
const DEFERRED = ['@grpc/grpc-js', '@grpc/proto-loader', 'protobufjs', 'ssh2', 'cpu-features'];

/** tar-fs packs build contexts: loaded on the first build (about 6 MB with its stream stack). */
const PACKAGES = ['dockerode', 'docker-modem', 'tar-fs', ...DEFERRED];

interface Loaded {
  readonly [step: string]: string[];
}

/** Runs `steps` (ES module code, in order) in a fresh node with tsx; after each, the packages loaded. */
function loadedAfter(steps: Record<string, string>): Loaded {
  const pattern = PACKAGES.map((p) => p.replace('/', '[\\\\/]')).join('|');
  const lines = [
    "const { createRequire } = await import('node:module');",
    'const require = createRequire(import.meta.url);',
    `const packages = () => [...new Set(Object.keys(require.cache).map((k) => /node_modules[\\\\/](${pattern})[\\\\/]/.exec(k)?.[1]?.replace('\\\\', '/')).filter(Boolean))].sort();`,
    'const out = {};',
    ...Object.entries(steps).flatMap(([name, code]) => [code, `out[${JSON.stringify(name)}] = packages();`]),
    'process.stdout.write(JSON.stringify(out));',
  ];
  const output = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', lines.join('\n')],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  );
  return JSON.parse(output) as Loaded;
}

describe('engine start-up: what connecting loads', () => {
  it('loads dockerode on the first connection only, and none of gRPC, protobufjs or ssh2', () => {
    const loaded = loadedAfter({
      imported: "const engine = await import('./src/engine/index.ts');",
      connecting:
        "const { loadDockerode } = await import('./src/engine/dockerode.ts'); await loadDockerode();",
    });
    expect(loaded.imported).toEqual([]);
    expect(loaded.connecting).toEqual(['docker-modem', 'dockerode']);
  }, 60_000);

  it('loads tar-fs when a build context is packed, not before', () => {
    const loaded = loadedAfter({
      imported: "const { packContext } = await import('./src/engine/build.ts');",
      packed: [
        "const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');",
        "const dir = mkdtempSync((await import('node:os')).tmpdir() + '/berth-pack-');",
        "writeFileSync(dir + '/Dockerfile', 'FROM scratch\\n');",
        "const tar = await packContext(dir, [], 'Dockerfile');",
        'for await (const _ of tar) {}',
        'rmSync(dir, { recursive: true });',
      ].join('\n'),
    });
    expect(loaded.imported).toEqual([]);
    expect(loaded.packed).toEqual(['tar-fs']);
  }, 60_000);

  it('would see them: dockerode loaded as is, or an ssh connection made through the stand-in', () => {
    const plain = loadedAfter({ imported: "await import('dockerode');" });
    expect(plain.imported).toEqual(expect.arrayContaining(['@grpc/grpc-js', 'ssh2']));
    const ssh = loadedAfter({
      connecting:
        "const { loadDockerode } = await import('./src/engine/dockerode.ts'); await loadDockerode();",
      ssh: [
        "const { deferredPaths } = await import('./src/engine/dockerode.ts');",
        'const agent = require(deferredPaths()[1])({ host: "127.0.0.1", port: 1 });',
        "if (typeof agent.createConnection !== 'function') throw new Error('no agent from ssh.js');",
      ].join('\n'),
    });
    expect(ssh.connecting).toEqual(['docker-modem', 'dockerode']);
    expect(ssh.ssh).toContain('ssh2');
    expect(ssh.ssh).not.toContain('@grpc/grpc-js');
  }, 60_000);
});
