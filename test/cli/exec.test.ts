import { describe, expect, it } from 'vitest';
import type { BerthClient } from '../../src/cli/client.js';
import type { ClientFactory } from '../../src/cli/commands/deploy.js';
import { main } from '../../src/cli/main.js';

// `berth exec`: the command's output as it is, Berth's status 0 or 1, and, on a terminal, the
// command's own exit code said when it failed (a script reads it from --json).

async function exec(exitCode: number, terminal: boolean, json = false) {
  let stdout = '';
  let stderr = '';
  const client = {
    exec: async () => ({ exitCode, stdout: 'out\n', stderr: 'err\n' }),
    close: async () => undefined,
  } as unknown as BerthClient;
  const factory: ClientFactory = async () => client;
  const code = await main(
    ['exec', 'shop', 'web', ...(json ? ['--json'] : []), '--', 'sh', '-c', `exit ${exitCode}`],
    {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      env: {},
      cwd: '/',
      ...(terminal ? { terminal: { columns: 80 } } : {}),
    },
    factory,
  );
  return { code, stdout, stderr };
}

describe('berth exec', () => {
  it('says the exit code of a failing command on a terminal', async () => {
    expect(await exec(7, true)).toEqual({
      code: 1,
      stdout: 'out\n',
      stderr: 'err\nberth exec: sh exited 7\n',
    });
  });

  it('passes the output as it is into a pipe, and says nothing of its own', async () => {
    expect(await exec(7, false)).toEqual({ code: 1, stdout: 'out\n', stderr: 'err\n' });
    expect(await exec(0, true)).toEqual({ code: 0, stdout: 'out\n', stderr: 'err\n' });
  });

  it('carries the exit code in --json', async () => {
    const r = await exec(7, false, true);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ exitCode: 7 });
  });
});
