import { describe, expect, it } from 'vitest';
import { writeTree } from '../../test/support/tree.js';
import { builtinXBerthRegistry } from '../app/registry.js';
import { loadWorkspace } from './stack.js';

// LoadedStack.sensitive: the values never to show (job output, and later logs and errors).

describe('the sensitive values of a stack', () => {
  it('are its .env values, its env files’ values, and secret-looking variables wherever they come from', async () => {
    const dir = await writeTree({
      'compose.yaml': `services:
  app:
    image: nginx:\${NGINX_VERSION}
    env_file: [app.env]
    environment:
      DATABASE_URL: postgres://app:\${DB_PASSWORD}@db/app
      API_TOKEN: \${API_TOKEN}
      MODE: production
  other:
    image: busybox:1.36
`,
      '.env': 'API_TOKEN=from-dotenv-token\nDB_PASSWORD=stale-dotenv-password\n',
      'app.env': 'SMTP_URL=smtp://mailer:file-secret@smtp\n',
    });
    const load = await loadWorkspace(dir, {
      env: { NGINX_VERSION: '1.27.3', DB_PASSWORD: 'from-the-server-env' },
      registry: builtinXBerthRegistry(),
    });
    const stack = load.stacks[0];
    expect(load.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const project = stack?.sensitive.project ?? [];
    expect(project).toEqual(
      expect.arrayContaining(['from-dotenv-token', 'stale-dotenv-password', 'from-the-server-env']),
    );
    // Interpolated, but neither from .env nor secret-looking: shown.
    expect(project).not.toContain('1.27.3');
    expect(stack?.sensitive.services.app).toEqual(
      expect.arrayContaining(['smtp://mailer:file-secret@smtp', 'from-dotenv-token']),
    );
    expect(stack?.sensitive.services.app).not.toContain('production');
    expect(stack?.sensitive.services.other).toEqual([]);
  });
});

describe('the defaults of secret-looking variables', () => {
  it('are sensitive when they land (the variable unset), and other defaults are not', async () => {
    const dir = await writeTree({
      'compose.yaml': `services:
  app:
    image: busybox:\${TAG:-1.36}
    command: ["run", "--token", "\${API_TOKEN:-sk_live_fallbackTOKEN123}", "--key", "\${PRIVATE_KEY-unset-default-key}"]
    environment:
      MODE: \${MODE:-production}
      SESSION_SECRET: \${SESSION_SECRET:-not-used-because-set}
`,
    });
    const load = await loadWorkspace(dir, {
      env: { SESSION_SECRET: 'the-real-session-secret' },
      registry: builtinXBerthRegistry(),
    });
    const project = load.stacks[0]?.sensitive.project ?? [];
    expect(project).toEqual(
      expect.arrayContaining(['sk_live_fallbackTOKEN123', 'unset-default-key', 'the-real-session-secret']),
    );
    expect(project).not.toContain('production');
    expect(project).not.toContain('1.36');
    expect(project).not.toContain('not-used-because-set');
  });
});

describe('the sensitive values of a stack with build arguments', () => {
  it('hold secret-looking build arguments, written or interpolated, and the .env values they use', async () => {
    const dir = await writeTree({
      'compose.yaml': `services:
  app:
    image: local/app:1
    build:
      context: .
      args:
        GITHUB_TOKEN: ghp_Literal1234
        NPM_TOKEN: \${NPM_TOKEN}
        BASE_VERSION: "3.19"
  list:
    image: local/list:1
    build:
      context: .
      args: [DEPLOY_SECRET=list-form-secret, FLAVOUR=plain]
`,
      '.env': 'NPM_TOKEN=npm_EnvFile5678\n',
    });
    const load = await loadWorkspace(dir, { env: {}, registry: builtinXBerthRegistry() });
    expect(load.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const stack = load.stacks[0];
    expect(stack?.sensitive.project).toContain('npm_EnvFile5678');
    expect(stack?.sensitive.services.app).toEqual(
      expect.arrayContaining(['ghp_Literal1234', 'npm_EnvFile5678']),
    );
    expect(stack?.sensitive.services.list).toEqual(['list-form-secret']);
    // Neither from .env nor secret-looking: shown.
    expect(stack?.sensitive.services.app).not.toContain('3.19');
  });
});

describe('findings of a stack that does not load', () => {
  const load = async (files: Record<string, string>, env: Record<string, string> = {}) => {
    const dir = await writeTree(files);
    return loadWorkspace(dir, { env, registry: builtinXBerthRegistry() });
  };

  it('never quote a secret value that an invalid field got by interpolation', async () => {
    const result = await load(
      {
        'compose.yaml': `services:
  web:
    image: busybox:1.36
    cpus: \${DB_PASSWORD}
    mem_limit: \${API_TOKEN}
`,
        '.env': 'DB_PASSWORD=Sup3rS3cretValue-xyz\n',
      },
      { API_TOKEN: 'from-the-server-env-token' },
    );
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.line, d.column])).toEqual([
      [4, 11],
      [5, 16],
    ]);
    const shown = JSON.stringify(result.diagnostics);
    expect(shown).not.toContain('Sup3rS3cretValue-xyz');
    expect(shown).not.toContain('from-the-server-env-token');
    expect(errors[0]?.message).toContain('cpus');
  });

  it('never quote a .env value that does not parse', async () => {
    const result = await load({
      'compose.yaml': 'services:\n  web:\n    image: busybox:1.36\n',
      '.env': 'DB_PASSWORD="pa55word-unterminated\nAPI_KEY="Xy7${kQ9-secret-pass"\n',
    });
    const shown = JSON.stringify(result.diagnostics);
    expect(result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    expect(shown).not.toContain('pa55word');
    expect(shown).not.toContain('kQ9-secret');
  });
});
