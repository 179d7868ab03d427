import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinXBerthRegistry } from '../../src/app/registry.js';
import type { Diagnostic } from '../../src/compose/diagnostics.js';
import { loadWorkspace } from '../../src/compose/stack.js';
import { writeTree } from '../support/tree.js';

const registry = builtinXBerthRegistry();
const load = (path: string, env: Record<string, string> = {}, profiles?: string[]) =>
  loadWorkspace(path, { env, registry, ...(profiles ? { profiles } : {}) });
const errors = (diags: readonly Diagnostic[]) => diags.filter((d) => d.severity === 'error');
const codes = (diags: readonly Diagnostic[]) => errors(diags).map((d) => d.code);

describe('stack folder: compose + override + .env', () => {
  it('merges the override and interpolates with the shell over .env', async () => {
    const dir = await writeTree({
      'app/compose.yaml': `services:
  web:
    image: nginx:\${TAG:-1.25}
    ports: ["80"]
    environment: [A=1, B]
`,
      'app/compose.override.yaml': `services:
  web:
    ports: ["127.0.0.1:8080:80"]
    environment:
      A: \${A_VALUE}
`,
      'app/.env': 'TAG=1.27\nA_VALUE=from-dotenv\nB=from-dotenv\n',
    });
    const result = await load(join(dir, 'app'), { A_VALUE: 'from-shell' });
    expect(errors(result.diagnostics)).toEqual([]);
    const stack = result.stacks[0];
    expect(stack?.name).toBe('app');
    const web = stack?.model.services?.web;
    expect(web?.image).toBe('nginx:1.27');
    expect(web?.environment).toEqual({ A: 'from-shell', B: 'from-dotenv' });
    expect(web?.ports).toEqual([
      expect.objectContaining({ target: 80, protocol: 'tcp' }),
      expect.objectContaining({ target: 80, published: '8080', host_ip: '127.0.0.1' }),
    ]);
    expect(stack?.files.map((f) => f.slice(dir.length))).toEqual([
      '/app/compose.yaml',
      '/app/compose.override.yaml',
    ]);
  });

  it('uses the compose `name:` as project name, and keeps the catalog name when there is one', async () => {
    const dir = await writeTree({
      'a/compose.yaml': 'name: shop\nservices:\n  web:\n    image: x\n',
      'berth.yaml': 'stacks:\n  store:\n    path: a\n',
    });
    expect((await load(join(dir, 'a'))).stacks[0]?.name).toBe('shop');
    expect((await load(dir)).stacks[0]?.name).toBe('store');
  });
});

describe('extends, include, profiles', () => {
  it('resolves extends across files with paths relative to the extended file', async () => {
    const dir = await writeTree({
      'common/base.yaml': `services:
  php:
    image: php:8.3
    env_file: [php.env]
    environment: { TZ: UTC }
`,
      'common/php.env': 'MEMORY=256M\n',
      'app/compose.yaml': `services:
  web:
    extends: { file: ../common/base.yaml, service: php }
    environment: { APP: web }
`,
    });
    const result = await load(join(dir, 'app'));
    expect(errors(result.diagnostics)).toEqual([]);
    expect(result.stacks[0]?.model.services?.web?.environment).toEqual({
      MEMORY: '256M',
      TZ: 'UTC',
      APP: 'web',
    });
  });

  it('reports an extends cycle', async () => {
    const dir = await writeTree({
      'compose.yaml': 'services:\n  a:\n    image: x\n    extends: b\n  b:\n    image: y\n    extends: a\n',
    });
    const result = await load(dir);
    expect(codes(result.diagnostics)).toContain('SPEC_EXTENDS_CYCLE');
  });

  it('includes another project and reports conflicts', async () => {
    const dir = await writeTree({
      'shared/compose.yaml': 'services:\n  redis:\n    image: redis:7.2\n    volumes: [./conf:/conf]\n',
      'app/compose.yaml':
        'include:\n  - ../shared/compose.yaml\nservices:\n  web:\n    image: x\n    depends_on: [redis]\n',
      'bad/compose.yaml': 'include:\n  - ../shared/compose.yaml\nservices:\n  redis:\n    image: other\n',
    });
    const ok = await load(join(dir, 'app'));
    expect(errors(ok.diagnostics)).toEqual([]);
    const redis = ok.stacks[0]?.model.services?.redis;
    expect(redis?.volumes?.[0]).toMatchObject({
      type: 'bind',
      source: join(dir, 'shared/conf'),
      target: '/conf',
    });
    expect(ok.stacks[0]?.graph.levels).toEqual([['redis'], ['web']]);
    const bad = await load(join(dir, 'bad'));
    expect(codes(bad.diagnostics)).toEqual(['SPEC_INCLUDE_CONFLICT']);
  });

  it('leaves out services of disabled profiles, and says which profile a dependency needs', async () => {
    const files = {
      'compose.yaml': `services:
  web:
    image: x
  debug:
    image: y
    profiles: [debug]
  tool:
    image: z
    depends_on: [debug]
`,
    };
    const dir = await writeTree(files);
    const off = await load(dir);
    expect(off.diagnostics.find((d) => d.code === 'SPEC_UNKNOWN_SERVICE')?.message).toContain(
      'profile `debug`',
    );
    const on = await load(dir, { COMPOSE_PROFILES: 'debug' });
    expect(errors(on.diagnostics)).toEqual([]);
    expect(Object.keys(on.stacks[0]?.model.services ?? {}).sort()).toEqual(['debug', 'tool', 'web']);
    const flag = await load(dir, {}, ['debug']);
    expect(flag.stacks[0]?.disabled).toEqual([]);
  });
});

describe('references and x-berth', () => {
  it('reports undefined volumes, networks and services without image, at their positions', async () => {
    const dir = await writeTree({
      'compose.yaml': `services:
  web:
    build: .
    volumes: [data:/data]
    networks: [front]
  noimage:
    restart: always
`,
    });
    const result = await load(dir);
    const found = errors(result.diagnostics).map((d) => `${d.code}@${d.line}:${d.column}`);
    expect(found.sort()).toEqual(
      ['SPEC_SERVICE_NO_IMAGE@6:3', 'SPEC_UNKNOWN_NETWORK@5:16', 'SPEC_UNKNOWN_VOLUME@4:15'].sort(),
    );
  });

  it('validates x-berth at both levels with positions', async () => {
    const dir = await writeTree({
      'compose.yaml': `x-berth:
  deploy:
    rollback: sometimes
services:
  web:
    image: x
    x-berth:
      instal: {}
`,
    });
    const result = await load(dir);
    expect(errors(result.diagnostics).map((d) => [d.code, d.line, d.column, d.hint])).toEqual([
      ['SPEC_XBERTH_INVALID', 3, 15, expect.stringContaining('auto')],
      ['SPEC_XBERTH_UNKNOWN_KEY', 8, 7, 'did you mean `install`?'],
    ]);
  });
});

describe('workspaces', () => {
  it('loads the estate layout without a catalog', async () => {
    const dir = await writeTree({
      'mautic/docker-compose.yml': 'services:\n  web:\n    image: mautic/mautic:5\n',
      'mautic/README.md': '# mautic\n',
      'grafana/compose.yaml': 'services:\n  grafana:\n    image: grafana/grafana:11.1.0\n',
      'notes/README.md': 'not a stack',
    });
    const result = await load(dir);
    expect(result.workspace?.kind).toBe('estate');
    expect(result.stacks.map((s) => s.name)).toEqual(['grafana', 'mautic']);
  });

  it('reports catalog errors with positions', async () => {
    const dir = await writeTree({
      'berth.yaml': 'stacks:\n  web:\n    path: web\n    ownr: me\n  gone:\n    path: nowhere\n',
      'web/compose.yaml': 'services:\n  web:\n    image: x\n',
    });
    const first = await load(dir);
    expect(errors(first.diagnostics).map((d) => [d.code, d.line, d.column, d.hint])).toEqual([
      ['SPEC_UNKNOWN_KEY', 4, 5, 'did you mean `owner`?'],
    ]);
    const dir2 = await writeTree({ 'berth.yaml': 'stacks:\n  gone:\n    path: nowhere\n' });
    const second = await load(dir2);
    expect(errors(second.diagnostics).map((d) => [d.code, d.line, d.column])).toEqual([
      ['SPEC_CATALOG_STACK_MISSING', 3, 11],
    ]);
  });

  it('names a missing path', async () => {
    const result = await load('/nonexistent/berth-test');
    expect(codes(result.diagnostics)).toEqual(['SPEC_FILE_UNREADABLE']);
  });
});

describe('hostile and broken input', () => {
  it.each([
    ['binary', new Uint8Array([0x73, 0x3a, 0x00, 0x01]), 'SPEC_FILE_BINARY'],
    [
      'latin-1',
      new Uint8Array([...new TextEncoder().encode('services:\n  caf'), 0xe9, 0x3a, 0x0a]),
      'SPEC_FILE_NOT_UTF8',
    ],
    ['duplicate keys', 'services:\n  a:\n    image: x\n  a:\n    image: y\n', 'SPEC_YAML_DUPLICATE_KEY'],
    ['deep nesting', `services: ${'['.repeat(3000)}${']'.repeat(3000)}\n`, 'SPEC_YAML_TOO_DEEP'],
    ['a list at the top', '- a\n- b\n', 'SPEC_NOT_A_MAPPING'],
    ['empty file', '', 'SPEC_NO_SERVICES'],
    ['too large', `services:\n  a:\n    image: x\n#${'x'.repeat(1024 * 1024)}\n`, 'SPEC_FILE_TOO_LARGE'],
  ] as const)('%s', async (_name, content, code) => {
    const dir = await writeTree({ 'compose.yaml': content });
    const result = await load(dir);
    expect(codes(result.diagnostics)).toEqual([code]);
  });
});

describe('replicas and container names', () => {
  it('refuses a fixed container_name with several replicas', async () => {
    const dir = await writeTree({
      'compose.yaml':
        'services:\n  web:\n    image: x\n    container_name: web\n    deploy:\n      replicas: 2\n',
    });
    const result = await load(dir);
    expect(errors(result.diagnostics).map((d) => [d.code, d.line, d.column])).toEqual([
      ['SPEC_INVALID_VALUE', 4, 5],
    ]);
  });
});

describe('interpolation errors under anchors', () => {
  it('reports a value merged into several services once, naming every use', async () => {
    const dir = await writeTree({
      'compose.yaml': `x-env: &env\n  PW: \${PW:?set PW}\nservices:\n  a:\n    image: x\n    environment: *env\n  b:\n    image: x\n    environment: *env\n`,
    });
    const found = errors((await load(dir)).diagnostics);
    expect(found.map((d) => [d.code, d.line, d.column])).toEqual([['SPEC_INTERPOLATION_REQUIRED', 2, 7]]);
    expect(found[0]?.message).toContain('services.a.environment.PW, services.b.environment.PW');
  });
});
