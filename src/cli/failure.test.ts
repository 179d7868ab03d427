import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DeployError, DeployInterruptedError } from '../deploy/errors.js';
import { LevelProblemError, LogLevelError } from '../log/level-error.js';
import { describeLevelProblem } from '../log/levels.js';
import { CommandError } from './commands/remote.js';
import { describeFailure, failureExitCode } from './failure.js';

/** A real system error from Node: reading a file that is not there. */
function enoent(): Error {
  try {
    readFileSync('/nonexistent/berth-failure-test');
  } catch (error: unknown) {
    return error as Error;
  }
  throw new Error('the file exists');
}

const stackLine = /^\s+at /m;

describe('describeFailure', () => {
  it('prints a coded error as its code, message and hint, without a stack', () => {
    const error = new CommandError('CANNOT_WRITE', 'cannot write the report to /x/y.md', 'create /x');
    expect(describeFailure(error, 'audit', false)).toBe(
      'error CANNOT_WRITE: cannot write the report to /x/y.md\n  hint: create /x\n',
    );
  });

  it('names the command an uncoded error ended, calls it a bug, and keeps it to one line', () => {
    const text = describeFailure(new TypeError('x is undefined\n    and more'), 'logs', false);
    expect(text).toBe(
      'error INTERNAL: berth logs failed: x is undefined and more\n' +
        '  hint: this is a bug in Berth; run the command again with -vv for the details, and report it\n',
    );
    expect(text).not.toMatch(stackLine);
  });

  it('says `berth` when no command was running, and takes a thrown string', () => {
    expect(describeFailure('boom', undefined, false)).toMatch(/^error INTERNAL: berth failed: boom\n/);
  });

  it('shows a system error by its code and the path it names', () => {
    const text = describeFailure(enoent(), 'admin init', false);
    expect(text.split('\n')[0]).toBe(
      "error ENOENT: berth admin init: ENOENT: no such file or directory, open '/nonexistent/berth-failure-test'",
    );
    expect(text).toContain('hint: check the file, folder or address it names');
    expect(text).not.toMatch(stackLine);
  });

  it('adds the stack, and the stacks of the causes, only at debug verbosity', () => {
    const error = new Error('outer', { cause: enoent() });
    const quiet = describeFailure(error, 'ps', false);
    const loud = describeFailure(error, 'ps', true);
    expect(quiet).not.toMatch(stackLine);
    expect(loud.startsWith(quiet)).toBe(true);
    expect(loud).toMatch(stackLine);
    expect(loud).toContain('caused by: Error: ENOENT');
  });
});

describe('an interrupted deploy', () => {
  it('is shown as DEPLOY_INTERRUPTED with what to do, not as a bug', () => {
    const text = describeFailure(new DeployInterruptedError('web', 'SIGINT', 'berth --local'), 'up', false);
    expect(text).toBe(
      'error DEPLOY_INTERRUPTED: the deploy of web was interrupted by SIGINT: what it changed was put back and it is recorded interrupted\n' +
        '  hint: run `berth --local up web` again to deploy it (it first finishes putting back anything that could not be); `berth --local deployments web` shows what was undone\n',
    );
    expect(text).not.toContain('INTERNAL');
  });

  it('exits as a shell reports the signal: 130 for SIGINT, 143 for SIGTERM', () => {
    expect(failureExitCode(new DeployInterruptedError('web', 'SIGINT'))).toBe(130);
    expect(failureExitCode(new DeployInterruptedError('web', 'SIGTERM'))).toBe(143);
  });

  it('exits 1 for every other failure, and for an interruption the server reports (no signal of ours)', () => {
    expect(failureExitCode(new DeployError('DEPLOY_INTERRUPTED', 'the server stopped', 'run again'))).toBe(1);
    expect(failureExitCode(new DeployError('DEPLOY_IN_PROGRESS', 'busy', 'wait'))).toBe(1);
    expect(failureExitCode(new Error('interrupted by SIGINT'))).toBe(1);
    expect(failureExitCode(undefined)).toBe(1);
  });
});

describe('a log level setting that cannot be used', () => {
  const invalid = { code: 'LOG_LEVEL_INVALID', variable: 'BERTH_LOG_LEVEL', value: 'verbose' } as const;
  const unknown = {
    code: 'LOG_COMPONENT_UNKNOWN',
    variable: 'BERTH_LOG_LEVEL_ENGNE',
    value: 'debug',
  } as const;

  it('is a usage error: exit 2, as `berth serve` exits for it', () => {
    expect(failureExitCode(new LogLevelError([invalid]))).toBe(2);
    expect(failureExitCode(new LogLevelError([unknown]))).toBe(2);
    expect(failureExitCode(new LevelProblemError(unknown))).toBe(2);
  });

  it('needs the coded error: the same code without a hint is no usage error', () => {
    expect(failureExitCode(Object.assign(new Error('x'), { code: 'LOG_LEVEL_INVALID' }))).toBe(1);
  });

  it('says every problem in the words `berth serve` uses, each with its hint', () => {
    expect(describeFailure(new LogLevelError([invalid, unknown]), 'up', false)).toBe(
      describeLevelProblem(invalid) + describeLevelProblem(unknown),
    );
    expect(describeFailure(new LogLevelError([invalid]), 'up', false)).toBe(
      'error LOG_LEVEL_INVALID: BERTH_LOG_LEVEL=verbose: `verbose` is not a log level\n' +
        '  hint: use one of trace, debug, info, warn, error, fatal, silent\n',
    );
  });

  it('shows an AggregateError with an uncoded part as one error, never hiding the others', () => {
    const mixed = Object.assign(new AggregateError([new Error('plain')], 'two things failed'), {
      code: 'X',
      hint: 'h',
    });
    expect(describeFailure(mixed, 'up', false)).toBe('error X: two things failed\n  hint: h\n');
  });
});
