import { describe, expect, it } from 'vitest';
import type { Locate } from './checks.js';
import { fileRefChecks } from './file-ref-checks.js';
import { ComposeFileSchema } from './schema/model.js';

const locate: Locate = (path) => ({ file: 'compose.yaml', pos: { line: path.length, column: 1 } });
const check = (raw: Record<string, unknown>, active = ['app']) =>
  fileRefChecks(ComposeFileSchema.parse(raw), new Set(active), locate).map((d) => ({
    code: d.code,
    severity: d.severity,
    message: d.message,
  }));

describe('fileRefChecks', () => {
  it('accepts file secrets and configs in short and long syntax', () => {
    expect(
      check({
        services: { app: { image: 'x', secrets: ['pw', { source: 'pw', target: 't' }], configs: ['conf'] } },
        secrets: { pw: { file: '/srv/pw' } },
        configs: { conf: { file: '/srv/conf' } },
      }),
    ).toEqual([]);
  });

  it('refuses secrets and configs that are not files: the container would lack them', () => {
    const found = check({
      services: {
        app: { image: 'x', secrets: ['env', 'ext'], configs: [{ source: 'inline', target: '/etc/a' }] },
      },
      secrets: { env: { environment: 'PW' }, ext: { external: true } },
      configs: { inline: { content: 'hello' } },
    });
    expect(found).toEqual([
      {
        code: 'SPEC_NOT_APPLIED',
        severity: 'error',
        message: expect.stringContaining(
          '`env` comes from `environment:`, which Berth cannot mount: /run/secrets/env',
        ),
      },
      { code: 'SPEC_NOT_APPLIED', severity: 'error', message: expect.stringContaining('`external:`') },
      {
        code: 'SPEC_NOT_APPLIED',
        severity: 'error',
        message: expect.stringContaining('`inline` comes from `content:`, which Berth cannot mount: /etc/a'),
      },
    ]);
    expect(found.map((d) => d.message).join(' ')).not.toContain('hello');
  });

  it('warns that uid, gid and mode are not applied to a bind mount', () => {
    expect(
      check({
        services: { app: { image: 'x', secrets: [{ source: 'pw', uid: '1', gid: '2', mode: '0400' }] } },
        secrets: { pw: { file: '/srv/pw' } },
      }).map((d) => [d.severity, d.message.split(' ')[0]]),
    ).toEqual([
      ['warning', 'services.app.secrets[0].uid'],
      ['warning', 'services.app.secrets[0].gid'],
      ['warning', 'services.app.secrets[0].mode'],
    ]);
  });

  it('warns about CDI device names, not device paths', () => {
    expect(
      check({ services: { app: { image: 'x', devices: ['/dev/null:/dev/xnull', 'nvidia.com/gpu=all'] } } }),
    ).toEqual([
      {
        code: 'SPEC_NOT_APPLIED',
        severity: 'warning',
        message: 'services.app.devices[1]: CDI device `nvidia.com/gpu=all` is not applied by Berth',
      },
    ]);
  });

  it('skips services disabled by profiles', () => {
    expect(
      check(
        { services: { app: { image: 'x', secrets: ['env'] } }, secrets: { env: { environment: 'PW' } } },
        [],
      ),
    ).toEqual([]);
  });
});
