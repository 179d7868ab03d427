import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { berth } from '../../../test/support/cli.js';

// `berth serve` refusing a bad configuration, in-process: it must exit 2 before opening anything,
// so these tests never start a server.

const root = mkdtempSync(join(tmpdir(), 'berth-serve-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const stateDir = join(root, 'state');
const env = { HOME: root, BERTH_STATE_DIR: stateDir };

describe('berth serve with a bad configuration', () => {
  it('prints the located errors of --config and exits 2 without creating the state', async () => {
    writeFileSync(join(root, 'serve.yaml'), 'host: 127.0.0.1\nport: http\nstate_dir: s\n');
    const res = await berth(['serve', '--config', 'serve.yaml'], { cwd: root, env });
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe(
      [
        'serve.yaml:2:7: error SERVE_CONFIG_INVALID: port must be an integer from 0 to 65535, got "http"',
        '  hint: e.g. `port: 7300`; 0 picks a free port',
        'serve.yaml:3:1: error SERVE_CONFIG_INVALID: unknown key `state_dir`',
        '  hint: did you mean `stateDir`?',
        '',
      ].join('\n'),
    );
    expect(existsSync(stateDir)).toBe(false);
  });

  it('refuses a missing BERTH_CONFIG file', async () => {
    const res = await berth(['serve'], { cwd: root, env: { ...env, BERTH_CONFIG: 'missing.yaml' } });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('missing.yaml: error SERVE_CONFIG_INVALID: the config file does not exist');
    expect(res.stderr).toContain('hint: check the path given with BERTH_CONFIG');
    expect(existsSync(stateDir)).toBe(false);
  });

  it('refuses a YAML syntax error with its position', async () => {
    writeFileSync(join(root, 'broken.yaml'), 'port: 1\nport: 2\n');
    const res = await berth(['serve', '--config', join(root, 'broken.yaml')], { cwd: '/', env });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(
      new RegExp(`^${join(root, 'broken.yaml')}:2:1: error SERVE_CONFIG_INVALID: duplicate key`),
    );
  });

  it('keeps the messages of --tls-cert without --tls-key and of a bad --shutdown-grace', async () => {
    const tls = await berth(['serve', '--tls-cert', 'c.pem'], { cwd: root, env });
    expect([tls.code, tls.stderr]).toEqual([
      2,
      'error SERVE_CONFIG_INVALID: --tls-cert and --tls-key go together\n',
    ]);
    const grace = await berth(['serve', '--shutdown-grace', 'soon'], { cwd: root, env });
    expect([grace.code, grace.stderr]).toEqual([
      2,
      'error SERVE_CONFIG_INVALID: --shutdown-grace soon is not a number of seconds\n  hint: give 0 to 3600, e.g. --shutdown-grace 60\n',
    ]);
    const port = await berth(['serve'], { cwd: root, env: { ...env, BERTH_PORT: 'http' } });
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('BERTH_PORT=http is not a TCP port');
    expect(existsSync(stateDir)).toBe(false);
  });

  it('refuses a workspace that does not exist, named as it was given', async () => {
    const missing = join(root, 'nonexistent');
    const flag = await berth(['serve', '-w', missing], { cwd: root, env });
    expect([flag.code, flag.stdout]).toEqual([2, '']);
    expect(flag.stderr).toBe(
      `error SERVE_CONFIG_INVALID: --workspace ${missing}: no such folder or file\n` +
        '  hint: give the folder of your stacks (with berth.yaml or stack folders) or a compose file; a relative path is relative to the current folder\n',
    );
    const fromEnv = await berth(['serve'], { cwd: root, env: { ...env, BERTH_WORKSPACE: 'gone' } });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain(`BERTH_WORKSPACE=gone: no such folder or file (${join(root, 'gone')})`);
    writeFileSync(join(root, 'ws.yaml'), 'port: 0\nworkspace: stacks\n');
    const fromFile = await berth(['serve', '--config', 'ws.yaml'], { cwd: root, env });
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toContain(
      `ws.yaml:2:12: error SERVE_CONFIG_INVALID: workspace: stacks: no such folder or file (${join(root, 'stacks')})`,
    );
    expect(fromFile.stderr).toContain("relative to the config file's folder");
    expect(existsSync(stateDir)).toBe(false);
  });

  it('documents the config file and the precedence in its help', async () => {
    const res = await berth(['serve', '--help'], { cwd: root, env });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('--config <file>');
    expect(res.stdout).toContain('its flag, its environment variable, the config file');
    expect(res.stdout).toContain("Relative paths in the file are relative to the file's folder");
  });
});

describe('berth serve with bad log levels', () => {
  it('refuses a bad level or an unknown component, naming the variable, the value and what is valid', async () => {
    const res = await berth(['serve'], {
      cwd: root,
      env: { ...env, BERTH_LOG_LEVEL: 'verbose', BERTH_LOG_LEVEL_ENGNE: 'debug' },
    });
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe(
      [
        'error LOG_LEVEL_INVALID: BERTH_LOG_LEVEL=verbose: `verbose` is not a log level',
        '  hint: use one of trace, debug, info, warn, error, fatal, silent',
        'error LOG_COMPONENT_UNKNOWN: BERTH_LOG_LEVEL_ENGNE=debug: Berth has no log component `engne`',
        '  hint: did you mean BERTH_LOG_LEVEL_ENGINE? the components are alerts, backup, deploy, engine, health, http, jobs, server, web',
        '',
      ].join('\n'),
    );
    expect(existsSync(stateDir)).toBe(false);
  });

  it('refuses a --log-level that is not a level', async () => {
    const res = await berth(['--log-level', 'loud', 'serve'], { cwd: root, env });
    expect([res.code, res.stderr]).toEqual([
      2,
      'error LOG_LEVEL_INVALID: --log-level loud: `loud` is not a log level\n  hint: use one of trace, debug, info, warn, error, fatal, silent\n',
    ]);
    expect(existsSync(stateDir)).toBe(false);
  });
});
