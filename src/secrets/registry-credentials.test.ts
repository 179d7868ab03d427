import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DOCKER_HUB_SERVER,
  HELPER_TIMEOUT_MS,
  type HelperRunner,
  helperRunner,
  isRegistryError,
  type RegistryError,
  registryCredentialsFor,
} from './registry-credentials.js';

const PASSWORD = 'hunter2-s3cret';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

let root: string;
let configDir: string;
let binDir: string;
let file: string;
let runHelper: HelperRunner;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-regcreds-'));
  configDir = join(root, 'docker');
  binDir = join(root, 'bin');
  file = join(configDir, 'config.json');
  await mkdir(configDir);
  await mkdir(binDir);
  runHelper = helperRunner({ ...process.env, PATH: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}` });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const writeConfig = (config: unknown) =>
  writeFile(file, typeof config === 'string' ? config : JSON.stringify(config, null, 2));

/** A real `docker-credential-<name>` on the test PATH; it records its argv and stdin beside itself. */
async function writeHelper(name: string, body: string): Promise<void> {
  const path = join(binDir, `docker-credential-${name}`);
  const script = [
    '#!/bin/sh',
    `printf '%s\\n' "$@" > "${binDir}/${name}.args"`,
    `IFS= read -r server || true`,
    `printf '%s' "$server" > "${binDir}/${name}.stdin"`,
    body,
    '',
  ].join('\n');
  await writeFile(path, script);
  await chmod(path, 0o755);
}

const seen = async (name: string) => ({
  args: await readFile(join(binDir, `${name}.args`), 'utf8'),
  stdin: await readFile(join(binDir, `${name}.stdin`), 'utf8'),
});

const lookup = (reference: string, extra: { helperTimeoutMs?: number; signal?: AbortSignal } = {}) =>
  registryCredentialsFor(reference, { dockerConfigDir: configDir, runHelper, ...extra });

async function rejection(promise: Promise<unknown>): Promise<RegistryError> {
  try {
    await promise;
  } catch (error) {
    if (isRegistryError(error)) return error;
    throw error;
  }
  throw new Error('expected a RegistryError');
}

const noSecret = (error: RegistryError) => {
  const text = `${error.message}\n${error.hint}`;
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain(b64(`alice:${PASSWORD}`));
};

describe('registryCredentialsFor: config.json', () => {
  it('pulls anonymously when the directory or the file is missing, or the file is empty', async () => {
    expect(await registryCredentialsFor('nginx', { dockerConfigDir: join(root, 'nowhere') })).toBeUndefined();
    expect(await lookup('ghcr.io/a/b:1')).toBeUndefined();
    await writeConfig('  \n');
    expect(await lookup('ghcr.io/a/b:1')).toBeUndefined();
  });

  it('pulls anonymously when the config dir is a file (ENOTDIR)', async () => {
    const notDir = join(root, 'plain-file');
    await writeFile(notDir, 'x');
    expect(await registryCredentialsFor('nginx', { dockerConfigDir: notDir })).toBeUndefined();
  });

  it('reads what docker login writes, for Hub and for other registries', async () => {
    await writeConfig({
      auths: {
        [DOCKER_HUB_SERVER]: { auth: b64(`alice:${PASSWORD}`) },
        'localhost:5000': { auth: b64('bob:pw') },
        'https://ghcr.io': { username: 'carol', password: 'pw2' },
      },
    });
    const hub = { serveraddress: DOCKER_HUB_SERVER, username: 'alice', password: PASSWORD };
    for (const ref of [
      'nginx',
      'library/nginx:1',
      'alice/app:1',
      'docker.io/alice/app',
      'index.docker.io/x',
    ]) {
      expect(await lookup(ref)).toEqual(hub);
    }
    expect(await lookup('localhost:5000/x@sha256:abc')).toEqual({
      serveraddress: 'localhost:5000',
      username: 'bob',
      password: 'pw',
    });
    expect(await lookup('ghcr.io/c/d:2')).toEqual({
      serveraddress: 'https://ghcr.io',
      username: 'carol',
      password: 'pw2',
    });
    expect(await lookup('quay.io/x/y')).toBeUndefined();
  });

  it('accepts a byte-order mark before the JSON', async () => {
    await writeConfig(`\uFEFF${JSON.stringify({ auths: { 'ghcr.io': { auth: b64('a:b') } } })}`);
    expect(await lookup('ghcr.io/x')).toMatchObject({ username: 'a', password: 'b' });
  });

  it('refuses a config that is not JSON, naming the file and the place, quoting nothing of it', async () => {
    await writeConfig(`{\n  "auths": {\n    "ghcr.io": {"auth": "${b64(`alice:${PASSWORD}`)}"\n  }\n`);
    const error = await rejection(lookup('ghcr.io/x'));
    expect(error.code).toBe('REGISTRY_CONFIG_UNREADABLE');
    expect(error.message).toBe(
      `${file} is not valid JSON (line 5, column 1); no registry credentials can be read from it`,
    );
    expect(error.hint).toContain(`fix the JSON of ${file}`);
    noSecret(error);
  });

  it('refuses a config whose error V8 would quote (a bare word beside a password)', async () => {
    await writeConfig(`{"auths": {"ghcr.io": {"password": ${PASSWORD}}}}`);
    const error = await rejection(lookup('ghcr.io/x'));
    expect(error.message).toContain('(line 1, column 36)');
    noSecret(error);
  });

  it('refuses a config.json that is a directory', async () => {
    await mkdir(file);
    const error = await rejection(lookup('nginx'));
    expect(error.code).toBe('REGISTRY_CONFIG_UNREADABLE');
    expect(error.message).toBe(`cannot read ${file} (EISDIR); no registry credentials can be read from it`);
    expect(error.hint).toContain(file);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a config.json Berth may not read, saying so', async () => {
    await writeConfig({});
    await chmod(file, 0o000);
    const error = await rejection(lookup('nginx'));
    expect(error.message).toContain('(EACCES)');
    expect(error.hint).toContain('let the user Berth runs as read');
  });

  it('refuses a malformed entry of the registry instead of pulling anonymously', async () => {
    await writeConfig({ auths: { [DOCKER_HUB_SERVER]: { auth: b64(`alice${PASSWORD}`) } } });
    const error = await rejection(lookup('nginx'));
    expect(error.code).toBe('REGISTRY_CREDENTIALS_INVALID');
    expect(error.message).toContain(`auths["${DOCKER_HUB_SERVER}"]`);
    expect(error.message).toContain(file);
    expect(error.hint).toContain('docker login');
    noSecret(error);
  });

  it('refuses an empty reference before reading anything', async () => {
    const error = await rejection(lookup(' '));
    expect(error.code).toBe('REGISTRY_REFERENCE_INVALID');
  });
});

describe('registryCredentialsFor: credential helpers (real programs on PATH)', () => {
  it('runs docker-credential-<credsStore> get with the server address on stdin', async () => {
    await writeHelper(
      'test',
      `printf '{"ServerURL":"%s","Username":"alice","Secret":"${PASSWORD}"}' "$server"`,
    );
    await writeConfig({ auths: { 'ghcr.io': {} }, credsStore: 'test' });
    expect(await lookup('ghcr.io/a/b:1')).toEqual({
      serveraddress: 'ghcr.io',
      username: 'alice',
      password: PASSWORD,
    });
    expect(await seen('test')).toEqual({ args: 'get\n', stdin: 'ghcr.io' });
  });

  it("asks for Docker Hub by docker's v1 URL", async () => {
    await writeHelper('test', `printf '{"ServerURL":"%s","Username":"alice","Secret":"pw"}' "$server"`);
    await writeConfig({ credsStore: 'test' });
    expect(await lookup('nginx:1.27')).toEqual({
      serveraddress: DOCKER_HUB_SERVER,
      username: 'alice',
      password: 'pw',
    });
    expect((await seen('test')).stdin).toBe(DOCKER_HUB_SERVER);
  });

  it("reads Username '<token>' as an identity token", async () => {
    await writeHelper('test', `echo '{"ServerURL":"x","Username":"<token>","Secret":"refresh-tok"}'`);
    await writeConfig({ credsStore: 'test' });
    expect(await lookup('localhost:5000/app')).toEqual({
      serveraddress: 'localhost:5000',
      identitytoken: 'refresh-tok',
    });
  });

  it('asks credHelpers[host] before credsStore, and credsStore for the rest', async () => {
    await writeHelper('ghcr', `echo '{"Username":"from-ghcr","Secret":"a"}'`);
    await writeHelper('store', `echo '{"Username":"from-store","Secret":"b"}'`);
    await writeConfig({
      auths: { 'ghcr.io': { auth: b64('from-auths:c') } },
      credsStore: 'store',
      credHelpers: { 'ghcr.io': 'ghcr' },
    });
    expect(await lookup('ghcr.io/x')).toMatchObject({ username: 'from-ghcr' });
    expect(await lookup('quay.io/x/y')).toMatchObject({ username: 'from-store' });
  });

  it('pulls anonymously when the helper holds nothing for the server', async () => {
    await writeHelper('test', `echo 'credentials not found in native keychain'; exit 1`);
    await writeConfig({ credsStore: 'test' });
    expect(await lookup('ghcr.io/x')).toBeUndefined();
  });

  it('pulls anonymously when the helper answers empty credentials', async () => {
    await writeHelper('test', `echo '{"ServerURL":"ghcr.io","Username":"","Secret":""}'`);
    await writeConfig({ credsStore: 'test' });
    expect(await lookup('ghcr.io/x')).toBeUndefined();
  });

  it('says a missing helper is not on PATH and what to do', async () => {
    await writeConfig({ credsStore: 'nowhere-to-be-found' });
    const error = await rejection(lookup('ghcr.io/x'));
    expect(error.code).toBe('REGISTRY_HELPER_FAILED');
    expect(error.message).toContain('docker-credential-nowhere-to-be-found is not on PATH');
    expect(error.message).toContain(file);
    expect(error.hint).toBe(
      `install docker-credential-nowhere-to-be-found where Berth runs (on the PATH of the user it runs as), or remove credsStore/credHelpers from ${file}`,
    );
  });

  it('says a helper that is not executable cannot be run', async () => {
    await writeFile(join(binDir, 'docker-credential-noexec'), '#!/bin/sh\necho {}\n');
    await chmod(join(binDir, 'docker-credential-noexec'), 0o644);
    await writeConfig({ credsStore: 'noexec' });
    const error = await rejection(lookup('ghcr.io/x'));
    expect(error.code).toBe('REGISTRY_HELPER_FAILED');
    expect(error.message).toContain('docker-credential-noexec');
    expect(error.message).toMatch(/permission denied|not on PATH/);
  });

  it('fails on any other helper failure, showing none of its output', async () => {
    await writeHelper(
      'test',
      `echo "gpg: decryption failed for ${PASSWORD}"; echo "${PASSWORD}" >&2; exit 3`,
    );
    await writeConfig({ credsStore: 'test' });
    const error = await rejection(lookup('ghcr.io/x'));
    expect(error.code).toBe('REGISTRY_HELPER_FAILED');
    expect(error.message).toBe(
      `docker-credential-test (named by credsStore/credHelpers in ${file}) exited with code 3 when asked for the credentials of ghcr.io`,
    );
    expect(error.hint).toContain('echo ghcr.io | docker-credential-test get');
    noSecret(error);
  });

  it('fails on an answer that is not JSON, quoting none of it', async () => {
    await writeHelper('test', `echo "Username=alice Secret=${PASSWORD}"`);
    await writeConfig({ credsStore: 'test' });
    const error = await rejection(lookup('ghcr.io/x'));
    expect(error.code).toBe('REGISTRY_HELPER_FAILED');
    expect(error.message).toContain('not JSON');
    noSecret(error);
  });

  it('stops a helper that does not answer in time', async () => {
    await writeHelper('slow', 'exec sleep 30');
    await writeConfig({ credsStore: 'slow' });
    const started = Date.now();
    const error = await rejection(lookup('ghcr.io/x', { helperTimeoutMs: 300 }));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.code).toBe('REGISTRY_HELPER_FAILED');
    expect(error.message).toContain('did not answer within 0.3 s and was stopped');
    expect(error.hint).toContain('echo ghcr.io | docker-credential-slow get');
  });

  it('stops a helper that prints without end', async () => {
    await writeHelper('chatty', 'exec yes x');
    await writeConfig({ credsStore: 'chatty' });
    const error = await rejection(lookup('ghcr.io/x'));
    expect(error.code).toBe('REGISTRY_HELPER_FAILED');
    expect(error.message).toContain('printed more than 65536 bytes and was stopped');
  });

  it('survives a helper that exits without reading its input', async () => {
    const path = join(binDir, 'docker-credential-deaf');
    await writeFile(path, `#!/bin/sh\necho '{"Username":"u","Secret":"s"}'\n`);
    await chmod(path, 0o755);
    await writeConfig({ credsStore: 'deaf' });
    expect(await lookup('ghcr.io/x')).toEqual({ serveraddress: 'ghcr.io', username: 'u', password: 's' });
  });

  it('passes a server address with shell characters as data, never to a shell', async () => {
    await writeHelper('test', `printf '{"Username":"u","Secret":"%s"}' "$server"`);
    await writeConfig({ credsStore: 'test' });
    // A host may not hold these, but a hand-written key's spelling travels as stdin only.
    expect(await lookup('localhost:5000/x')).toMatchObject({ password: 'localhost:5000' });
    expect((await seen('test')).args).toBe('get\n');
  });
});

/** A pid is alive when it can be signalled and is not a zombie left for a parent that never reaps it. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Whether `pid` is gone within `ms` (a SIGKILL takes a moment to land). */
async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return !alive(pid);
}

/** The pid a helper wrote to `<binDir>/<name>`, once it has. */
async function pidFrom(name: string): Promise<number> {
  for (let i = 0; i < 250; i++) {
    const text = await readFile(join(binDir, name), 'utf8').catch(() => '');
    if (/^\d+\n/.test(text)) return Number.parseInt(text, 10);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`the helper never wrote ${name}`);
}

// A helper that is a shell script running another program: killing the script alone left that
// program running, holding the helper's stdout and stderr, so Berth's event loop stayed alive
// (`berth --local up` exited only when it ended) and it was never killed.
/** A helper body: `program` in the background, its pid in `<binDir>/grandchild.pid`, then wait for it. */
const starting = (program: string) => `${program} &\necho $! > "${binDir}/grandchild.pid"\nwait`;

describe('registryCredentialsFor: a helper that starts other programs', () => {
  const pids: number[] = [];
  afterEach(() => {
    for (const pid of pids.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });

  it('kills what the helper started when it does not answer in time', async () => {
    await writeHelper('hang', starting('sleep 300'));
    await writeConfig({ credsStore: 'hang' });
    const started = Date.now();
    const error = await rejection(lookup('ghcr.io/x', { helperTimeoutMs: 300 }));
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(error.message).toContain('did not answer within 0.3 s and was stopped');
    const grandchild = await pidFrom('grandchild.pid');
    pids.push(grandchild);
    expect(await goneWithin(grandchild, 2_000)).toBe(true);
  });

  it('kills what the helper started when it prints too much', async () => {
    await writeHelper('flood', starting('yes x'));
    await writeConfig({ credsStore: 'flood' });
    const error = await rejection(lookup('ghcr.io/x', { helperTimeoutMs: 5_000 }));
    expect(error.message).toContain('printed more than 65536 bytes and was stopped');
    const grandchild = await pidFrom('grandchild.pid');
    pids.push(grandchild);
    expect(await goneWithin(grandchild, 2_000)).toBe(true);
  });

  it('kills the helper and what it started at once when the signal is aborted, rejecting with its reason', async () => {
    await writeHelper('hang', starting('sleep 300'));
    await writeConfig({ credsStore: 'hang' });
    const controller = new AbortController();
    const asked = lookup('ghcr.io/x', { helperTimeoutMs: 30_000, signal: controller.signal });
    const settled = asked.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    const grandchild = await pidFrom('grandchild.pid');
    pids.push(grandchild);
    const reason = new Error('interrupted by SIGINT');
    const aborted = Date.now();
    controller.abort(reason);
    expect(await settled).toBe(reason);
    expect(Date.now() - aborted).toBeLessThan(1_000);
    expect(await goneWithin(grandchild, 2_000)).toBe(true);
  });

  it('runs no helper when the signal is already aborted', async () => {
    await writeHelper('test', `echo '{"Username":"u","Secret":"s"}'`);
    await writeConfig({ credsStore: 'test' });
    const reason = new Error('stopped');
    await expect(lookup('ghcr.io/x', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await expect(readFile(join(binDir, 'test.args'), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('lets the process exit right after the timeout: nothing of the helper keeps it alive', {
    timeout: 20_000,
  }, async () => {
    await writeHelper('hang', starting('sleep 300'));
    await writeConfig({ credsStore: 'hang' });
    const module = fileURLToPath(new URL('./registry-credentials.ts', import.meta.url));
    const script = [
      `const { registryCredentialsFor, helperRunner } = await import(${JSON.stringify(module)});`,
      `const runHelper = helperRunner({ ...process.env, PATH: ${JSON.stringify(binDir)} + ':' + process.env.PATH });`,
      `await registryCredentialsFor('ghcr.io/x', { dockerConfigDir: ${JSON.stringify(configDir)}, runHelper, helperTimeoutMs: 300 })`,
      `  .catch((e) => console.log(e.code));`,
      `console.log('settled ' + Date.now());`,
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const exited = Date.now();
    clearTimeout(killer);
    expect(code, output).toBe(0);
    expect(output).toContain('REGISTRY_HELPER_FAILED');
    const settledAt = Number(/settled (\d+)/.exec(output)?.[1]);
    // It exits as soon as the lookup has failed, not when the helper's `sleep 300` would have ended.
    expect(exited - settledAt).toBeLessThan(2_000);
    const grandchild = await pidFrom('grandchild.pid');
    pids.push(grandchild);
    expect(await goneWithin(grandchild, 2_000)).toBe(true);
  });
});

describe('registryCredentialsFor: a given runHelper', () => {
  it('is called with the program, the server address and the 10 s default timeout', async () => {
    await writeConfig({ credHelpers: { 'gcr.io': 'gcloud' } });
    const calls: unknown[] = [];
    const credentials = await registryCredentialsFor('gcr.io/p/app:1', {
      dockerConfigDir: configDir,
      runHelper: async (program, input, timeoutMs) => {
        calls.push([program, input, timeoutMs]);
        return { code: 0, stdout: '{"Username":"oauth2accesstoken","Secret":"ya29"}', stderr: '' };
      },
    });
    expect(calls).toEqual([['docker-credential-gcloud', 'gcr.io', HELPER_TIMEOUT_MS]]);
    expect(credentials).toEqual({ serveraddress: 'gcr.io', username: 'oauth2accesstoken', password: 'ya29' });
  });

  it('turns a rejection into REGISTRY_HELPER_FAILED', async () => {
    await writeConfig({ credsStore: 'x' });
    const error = await rejection(
      registryCredentialsFor('nginx', {
        dockerConfigDir: configDir,
        runHelper: async () => {
          throw Object.assign(new Error(`spawn failed ${PASSWORD}`), { code: 'EMFILE' });
        },
      }),
    );
    expect(error.code).toBe('REGISTRY_HELPER_FAILED');
    expect(error.message).toContain('could not be run (EMFILE)');
    noSecret(error);
  });

  it('is not called when the config says nothing of a helper', async () => {
    await writeConfig({ auths: {} });
    const credentials = await registryCredentialsFor('nginx', {
      dockerConfigDir: configDir,
      runHelper: async () => {
        throw new Error('must not run');
      },
    });
    expect(credentials).toBeUndefined();
  });
});
