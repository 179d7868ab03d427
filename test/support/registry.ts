import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { access, constants, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { parseEngineHost } from '../../src/engine/address.js';
import type { RegistryAuth } from '../../src/engine/model.js';
import { registryAuthHeader } from '../../src/engine/pull.js';
import { freePort } from '../integration/engine/support.js';

// A real registry for the tests that pull: Debian's docker-registry (the distribution project's
// registry:2) on 127.0.0.1, storing in a temp dir, optionally behind htpasswd basic auth. dockerd
// treats 127.0.0.0/8 registries as insecure, so plain HTTP works without daemon configuration, as
// long as dockerd shares the test's network namespace (it does with scripts/docker-engine.sh).

const REGISTRY_BIN = '/usr/bin/docker-registry';
const READY_TIMEOUT_MS = 15_000;

export interface TestRegistry {
  /** `127.0.0.1:<port>`: the first part of the references it serves. */
  readonly host: string;
  /** The credentials to pull with, when the registry was started with auth. */
  readonly auth?: RegistryAuth;
  /**
   * Tags `localImage` as `<host>/<repository>:<tag>`, pushes it, then removes that tag from the
   * engine again, so the image is only in the registry. Returns the full reference.
   */
  push(localImage: string, repository: string, tag: string): Promise<string>;
  /** Stops the registry and removes its storage. */
  stop(): Promise<void>;
}

export interface RegistryOptions {
  readonly auth?: { readonly username: string; readonly password: string };
}

export async function startRegistry(options: RegistryOptions = {}): Promise<TestRegistry> {
  await access(REGISTRY_BIN, constants.X_OK).catch(() => {
    throw new Error(`${REGISTRY_BIN} is missing: apt-get install docker-registry`);
  });
  const dir = await mkdtemp(join(tmpdir(), 'berth-test-registry-'));
  try {
    const auth = options.auth;
    if (auth !== undefined) {
      // htpasswd takes the password as an argument: fine for a throwaway test password.
      const { stdout } = await run('htpasswd', ['-Bbn', auth.username, auth.password], 'apache2-utils');
      await writeFile(join(dir, 'htpasswd'), stdout, { mode: 0o600 });
    }
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const host = `127.0.0.1:${port}`;
      await writeFile(join(dir, 'config.yml'), config(dir, host, auth !== undefined));
      const child = spawn(REGISTRY_BIN, ['serve', join(dir, 'config.yml')], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const output = captured(child);
      try {
        await waitReady(host, child, output);
      } catch (err) {
        await kill(child);
        // Another process may have taken the port between freePort() and the registry's listen.
        if (attempt < 3 && /address already in use/.test(output())) continue;
        throw err;
      }
      const pullAuth = auth === undefined ? undefined : { serveraddress: host, ...auth };
      return {
        host,
        ...(pullAuth === undefined ? {} : { auth: pullAuth }),
        push: (localImage, repository, tag) => push(host, pullAuth, localImage, repository, tag),
        async stop() {
          await kill(child);
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

function config(dir: string, host: string, withAuth: boolean): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${host}`,
    // A fixed secret keeps the "no HTTP secret provided" warning out of the captured output.
    '  secret: berth-test-registry',
  ];
  if (withAuth)
    lines.push('auth:', '  htpasswd:', '    realm: berth-test', `    path: ${join(dir, 'htpasswd')}`);
  return `${lines.join('\n')}\n`;
}

async function push(
  host: string,
  auth: RegistryAuth | undefined,
  localImage: string,
  repository: string,
  tag: string,
): Promise<string> {
  const reference = `${host}/${repository}:${tag}`;
  const tagged = await engineRequest(
    'POST',
    `/images/${seg(localImage)}/tag?${new URLSearchParams({ repo: `${host}/${repository}`, tag })}`,
  );
  if (tagged.status !== 201)
    throw new Error(`tagging ${localImage} as ${reference}: ${tagged.status} ${tagged.body}`);
  const untag = async () => {
    const removed = await engineRequest('DELETE', `/images/${seg(reference)}?noprune=1`);
    if (removed.status !== 200) throw new Error(`untagging ${reference}: ${removed.status} ${removed.body}`);
  };
  try {
    // The engine wants the header even for a registry without auth: `{}` then.
    const header = auth === undefined ? Buffer.from('{}').toString('base64') : registryAuthHeader(auth);
    const pushed = await engineRequest(
      'POST',
      `/images/${seg(`${host}/${repository}`)}/push?${new URLSearchParams({ tag })}`,
      {
        'X-Registry-Auth': header,
      },
    );
    if (pushed.status !== 200) throw new Error(`pushing ${reference}: ${pushed.status} ${pushed.body}`);
    // A failed push still answers 200; the error is a line of the stream.
    for (const line of pushed.body.split('\n')) {
      if (line.trim() === '') continue;
      const message = JSON.parse(line) as { error?: string; errorDetail?: { message?: string } };
      const error = message.errorDetail?.message ?? message.error;
      if (error !== undefined) throw new Error(`pushing ${reference}: ${error}`);
    }
  } catch (err) {
    await untag().catch(() => undefined);
    throw err;
  }
  await untag();
  return reference;
}

/** `docker tag image repository:tag` through the Engine API (Berth's engine client has no tag call). */
export async function tagImage(image: string, repository: string, tag: string): Promise<void> {
  const tagged = await engineRequest(
    'POST',
    `/images/${seg(image)}/tag?${new URLSearchParams({ repo: repository, tag })}`,
  );
  if (tagged.status !== 201)
    throw new Error(`tagging ${image} as ${repository}:${tag}: ${tagged.status} ${tagged.body}`);
}

/** One Engine API call at the address connectEngine({}) uses, with an optional body; the whole answer as text. */
export function engineRequest(
  method: string,
  path: string,
  headers: Record<string, string | number> = {},
  body?: Buffer,
): Promise<{ status: number; body: string }> {
  const address = parseEngineHost(undefined);
  const target =
    address.kind === 'unix' ? { socketPath: address.socketPath } : { host: address.host, port: address.port };
  return new Promise((resolve, reject) => {
    const req = request({ ...target, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function seg(value: string): string {
  return encodeURIComponent(value).replace(/%2F/gi, '/');
}

async function waitReady(host: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `docker-registry exited (${child.exitCode ?? child.signalCode}) before answering:\n${output()}`,
      );
    }
    const status = await fetch(`http://${host}/v2/`).then(
      (res) => res.status,
      () => undefined,
    );
    // 401: up, and asking for the credentials it was configured with.
    if (status === 200 || status === 401) return;
    await delay(100);
  }
  throw new Error(
    `docker-registry did not answer GET http://${host}/v2/ within ${READY_TIMEOUT_MS} ms:\n${output()}`,
  );
}

/** The process's output, capped, for error messages. */
function captured(child: ChildProcess): () => string {
  let text = '';
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (err) => keep(Buffer.from(`${err.message}\n`)));
  return () => text;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function run(program: string, args: readonly string[], pkg: string): Promise<{ stdout: string }> {
  try {
    return await promisify(execFile)(program, [...args], { encoding: 'utf8' });
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT')
      throw new Error(`${program} is missing: apt-get install ${pkg}`);
    throw err;
  }
}
