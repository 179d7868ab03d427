import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Credentials,
  credentialsPath,
  readCredentials,
  removeCredentials,
  resolveConnection,
  writeCredentials,
} from './credentials.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'berth-cred-'));
  dirs.push(d);
  return d;
};

const saved: Credentials = {
  url: 'http://127.0.0.1:7300',
  token: 'berth_secret',
  tokenId: 'tok_1',
  username: 'admin',
  expiresAt: '2030-01-01T00:00:00.000Z',
};

describe('credentials file', () => {
  it('lives under XDG_CONFIG_HOME, else $HOME/.config', () => {
    expect(credentialsPath({ XDG_CONFIG_HOME: '/x/config', HOME: '/home/a' })).toBe(
      '/x/config/berth/credentials.json',
    );
    expect(credentialsPath({ HOME: '/home/a' })).toBe('/home/a/.config/berth/credentials.json');
    expect(credentialsPath({ XDG_CONFIG_HOME: '', HOME: '/home/a' })).toBe(
      '/home/a/.config/berth/credentials.json',
    );
  });

  it('is written 0600 in a 0700 folder, atomically, and read back', () => {
    const file = credentialsPath({ XDG_CONFIG_HOME: tempDir() });
    expect(readCredentials(file)).toBeUndefined();
    writeCredentials(file, saved);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
    expect(readCredentials(file)).toEqual(saved);
    writeCredentials(file, { ...saved, tokenId: 'tok_2' });
    expect(readCredentials(file)?.tokenId).toBe('tok_2');
    // No temporary file is left behind.
    expect(readdirSync(join(file, '..'))).toEqual(['credentials.json']);
  });

  it('tightens an existing berth folder that was too open', () => {
    const config = tempDir();
    mkdirSync(join(config, 'berth'), { mode: 0o755 });
    chmodSync(join(config, 'berth'), 0o755);
    writeCredentials(credentialsPath({ XDG_CONFIG_HOME: config }), saved);
    expect(statSync(join(config, 'berth')).mode & 0o777).toBe(0o700);
  });

  it.each([
    ['not JSON', '{oops'],
    ['missing the token', JSON.stringify({ ...saved, token: undefined })],
    ['the wrong shape', '[]'],
  ])('refuses a damaged file (%s) with a coded error', (_name, text) => {
    const file = join(tempDir(), 'credentials.json');
    writeFileSync(file, text);
    expect(() => readCredentials(file)).toThrow(
      expect.objectContaining({ code: 'CREDENTIALS_INVALID', hint: expect.stringContaining('berth login') }),
    );
    // The message never quotes the content (it may hold a token).
    try {
      readCredentials(file);
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(text);
    }
  });

  it('removes the file, saying whether there was one', () => {
    const file = credentialsPath({ XDG_CONFIG_HOME: tempDir() });
    writeCredentials(file, saved);
    expect(removeCredentials(file)).toBe(true);
    expect(removeCredentials(file)).toBe(false);
    expect(() => readFileSync(file)).toThrow();
  });
});

describe('resolveConnection', () => {
  it('is undefined when neither the environment nor the file gives a URL', () => {
    expect(resolveConnection({}, undefined)).toBeUndefined();
    expect(resolveConnection({ BERTH_TOKEN: 'berth_x' }, undefined)).toBeUndefined();
  });

  it('uses the file, with BERTH_URL and BERTH_TOKEN overriding it', () => {
    expect(resolveConnection({}, saved)).toEqual({ url: saved.url, token: 'berth_secret' });
    expect(resolveConnection({ BERTH_TOKEN: 'berth_env' }, saved)).toEqual({
      url: saved.url,
      token: 'berth_env',
    });
    expect(resolveConnection({ BERTH_URL: 'unix:/run/berth.sock', BERTH_TOKEN: 'berth_env' }, saved)).toEqual(
      {
        url: 'unix:/run/berth.sock',
        token: 'berth_env',
      },
    );
    expect(resolveConnection({ BERTH_URL: 'http://h:1' }, undefined)).toEqual({ url: 'http://h:1' });
  });

  it('never sends the saved token to another server named by BERTH_URL', () => {
    expect(resolveConnection({ BERTH_URL: 'https://elsewhere.example' }, saved)).toEqual({
      url: 'https://elsewhere.example',
    });
    expect(resolveConnection({ BERTH_URL: `${saved.url}/` }, saved)).toEqual({
      url: `${saved.url}/`,
      token: 'berth_secret',
    });
  });
});
