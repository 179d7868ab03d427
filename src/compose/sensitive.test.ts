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
