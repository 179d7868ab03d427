import { describe, expect, it } from 'vitest';
import { checkFailureText, classifyCheck, EXCERPT_MAX_CHARS } from './check-failure.js';

/*
 * The outputs are copied from real health logs (Docker 20.10, runc, local/busybox:1), of checks
 * that ran `["CMD", …]` and `["CMD-SHELL", …]`, and from Berth's own run through exec (which gets
 * exit 126 and the same runc words, with a carriage return).
 */
const RUNC_NOT_FOUND =
  'OCI runtime exec failed: exec failed: unable to start container process: exec: "pgrep": executable file not found in $PATH: unknown';
const RUNC_NO_FILE =
  'OCI runtime exec failed: exec failed: unable to start container process: exec: "/nonexist/x": stat /nonexist/x: no such file or directory: unknown';
const RUNC_DIRECTORY =
  'OCI runtime exec failed: exec failed: unable to start container process: exec: "/etc": permission denied: unknown';
const DOCKER_TIMEOUT = 'Health check exceeded timeout (1s)';
const BUSYBOX_NOT_FOUND = '/bin/sh: pgrep: not found\n';
const BUSYBOX_DENIED = '/bin/sh: /tmp/x: Permission denied\n';

describe('checkFailureText', () => {
  it('says a command Docker could not start could not start, quoting the engine’s reason (exit -1)', () => {
    expect(checkFailureText({ exitCode: -1, output: RUNC_NOT_FOUND })).toBe(
      'last check could not start its command: "pgrep": executable file not found in $PATH',
    );
  });

  it('reads Berth’s own run of the same check alike (exit 126, a carriage return)', () => {
    expect(checkFailureText({ exitCode: 126, output: `${RUNC_NOT_FOUND}\r\n` })).toBe(
      'last check could not start its command: "pgrep": executable file not found in $PATH',
    );
  });

  it('quotes a missing path and a directory as runc names them', () => {
    expect(checkFailureText({ exitCode: -1, output: RUNC_NO_FILE })).toBe(
      'last check could not start its command: "/nonexist/x": stat /nonexist/x: no such file or directory',
    );
    expect(checkFailureText({ exitCode: -1, output: RUNC_DIRECTORY })).toBe(
      'last check could not start its command: "/etc": permission denied',
    );
  });

  it('says a timeout is a timeout, with Docker’s limit', () => {
    expect(checkFailureText({ exitCode: -1, output: DOCKER_TIMEOUT })).toBe('last check timed out after 1s');
    expect(checkFailureText({ exitCode: -1, output: 'Health check exceeded timeout' })).toBe(
      'last check timed out',
    );
  });

  it('does not call a timeout a command that could not start, nor the other way round', () => {
    expect(classifyCheck({ exitCode: -1, output: DOCKER_TIMEOUT }).kind).toBe('timed-out');
    expect(classifyCheck({ exitCode: -1, output: RUNC_NOT_FOUND }).kind).toBe('not-started');
  });

  it('names the command a shell did not find (127) or could not execute (126)', () => {
    expect(checkFailureText({ exitCode: 127, output: BUSYBOX_NOT_FOUND })).toBe(
      'last check exited 127: command not found ("pgrep")',
    );
    expect(checkFailureText({ exitCode: 126, output: BUSYBOX_DENIED })).toBe(
      'last check exited 126: command not executable ("/tmp/x")',
    );
  });

  it('reads dash’s and bash’s words too', () => {
    expect(checkFailureText({ exitCode: 127, output: '/bin/sh: 1: pgrep: not found\n' })).toBe(
      'last check exited 127: command not found ("pgrep")',
    );
    expect(checkFailureText({ exitCode: 127, output: 'bash: line 1: pgrep: command not found\n' })).toBe(
      'last check exited 127: command not found ("pgrep")',
    );
  });

  it('says 126 and 127 without a name when the output is not a shell’s message', () => {
    expect(checkFailureText({ exitCode: 127, output: '' })).toBe('last check exited 127: command not found');
    expect(checkFailureText({ exitCode: 126, output: 'password=hunter2' })).toBe(
      'last check exited 126: command not executable',
    );
  });

  it('quotes why Berth’s run could not run at all', () => {
    expect(
      checkFailureText({ exitCode: -1, output: 'the check could not run: container abc is not running' }),
    ).toBe('last check could not run: container abc is not running');
  });

  it('says an exit -1 it cannot read ended without an exit code, quoting nothing', () => {
    expect(checkFailureText({ exitCode: -1, output: 'token=s3cret' })).toBe(
      'last check ended without an exit code (exit -1)',
    );
  });

  it('gives only the exit code of a command that ran, never what it printed', () => {
    expect(checkFailureText({ exitCode: 1, output: 'curl: (7) refused' })).toBe('last check exited 1');
    expect(checkFailureText({ exitCode: 2, output: ' \n' })).toBe('last check exited 2 with no output');
  });

  it('keeps a quoted name short and on one line', () => {
    const long = `OCI runtime exec failed: exec failed: unable to start container process: exec: "${'a'.repeat(400)}": executable file not found in $PATH: unknown`;
    const text = checkFailureText({ exitCode: -1, output: long });
    expect(text).toMatch(
      /^last check could not start its command: "a+…": executable file not found in \$PATH$/,
    );
    expect(Array.from(text).length).toBeLessThan(EXCERPT_MAX_CHARS + 100);
  });
});
