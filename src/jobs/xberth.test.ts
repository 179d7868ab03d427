import { describe, expect, it } from 'vitest';
import { writeTree } from '../../test/support/tree.js';
import { builtinXBerthRegistry } from '../app/registry.js';
import { loadWorkspace } from '../compose/stack.js';
import { createXBerthRegistry, validateXBerth } from '../compose/xberth/registry.js';
import { JOBS_XBERTH_SECTIONS, type JobDefinition, jobsOf } from './xberth.js';

const registry = createXBerthRegistry(JOBS_XBERTH_SECTIONS);
const parse = (jobs: unknown) =>
  validateXBerth(registry, 'service', { jobs }, ['services', 'app', 'x-berth']);
const job = (value: unknown): JobDefinition | undefined => jobsOf(parse({ j: value }).values).j;
const findings = (value: unknown) =>
  parse({ j: value }).findings.map((f) => [f.path.slice(5).join('.'), f.message, f.hint]);

describe('x-berth.jobs', () => {
  it('takes the Mautic seed case with its defaults', () => {
    const segments = job({
      schedule: '0,15,30,45 * * * *',
      timezone: 'Europe/Berlin',
      command: ['php', 'bin/console', 'mautic:segments:update'],
    });
    expect(segments).toMatchObject({
      argv: ['php', 'bin/console', 'mautic:segments:update'],
      run: 'exec',
      timeoutMs: 3_600_000,
      overlap: 'skip',
      retries: { count: 0, backoffMs: 30_000 },
      catchup: false,
      schedule: { kind: 'cron', pattern: '0,15,30,45 * * * *', timezone: 'Europe/Berlin' },
    });
    expect(segments?.budget).toBeUndefined();
  });

  it('takes every option', () => {
    const send = job({
      schedule: '@every 5m',
      command: ['php', 'bin/console', 'mautic:emails:send', '--limit={remaining}'],
      run: 'oneoff',
      timeout: '10m',
      overlap: 'queue',
      retries: { count: 2, backoff: '30s' },
      catchup: true,
      budget: { limit: 3800, per: 'day', consumed: 'sent (?<n>\\d+)' },
    });
    expect(send).toMatchObject({
      run: 'oneoff',
      timeoutMs: 600_000,
      overlap: 'queue',
      retries: { count: 2, backoffMs: 30_000 },
      catchup: true,
      schedule: { kind: 'every', intervalMs: 300_000 },
      budget: { limit: 3800, per: 'day' },
    });
    expect(send?.budget?.consumed.exec('sent 12')?.groups?.n).toBe('12');
  });

  it('runs a string command with sh -c inside the container, and only with shell: true', () => {
    expect(job({ schedule: '@hourly', command: 'php x.php | tee /tmp/log', shell: true })?.argv).toEqual([
      'sh',
      '-c',
      'php x.php | tee /tmp/log',
    ]);
    expect(findings({ schedule: '@hourly', command: 'php x.php' })).toEqual([
      ['command', expect.stringContaining('needs `shell: true`'), expect.stringContaining('argv list')],
    ]);
    expect(findings({ schedule: '@hourly', command: ['php'], shell: true })[0]?.[0]).toBe('shell');
  });

  it('expands the sqlite presets for a database path', () => {
    expect(job({ schedule: '0 3 * * 0', preset: 'sqlite-vacuum', database: '/data/app.db' })?.argv).toEqual([
      'sqlite3',
      '/data/app.db',
      'VACUUM;',
    ]);
    const integrity = job({ schedule: '0 4 * * 0', preset: 'sqlite-integrity', database: '/data/app.db' });
    expect(integrity).toMatchObject({
      argv: ['sqlite3', '/data/app.db', 'PRAGMA integrity_check;'],
      expectOutput: 'ok',
    });
    expect(findings({ schedule: '@daily', preset: 'sqlite-vacuum' })[0]?.[0]).toBe('database');
    expect(
      findings({ schedule: '@daily', preset: 'sqlite-vacuum', database: '/a', command: ['x'] })[0]?.[0],
    ).toBe('command');
    expect(findings({ schedule: '@daily', command: ['x'], database: '/a' })[0]?.[0]).toBe('database');
  });

  it.each([
    [{ schedule: '61 * * * *', command: ['x'] }, 'schedule', /invalid schedule/],
    [{ schedule: '* * *', command: ['x'] }, 'schedule', /3 fields/],
    [{ schedule: '@every 0s', command: ['x'] }, 'schedule', /invalid interval/],
    [{ schedule: '0 0 30 2 *', command: ['x'] }, 'schedule', /never matches/],
    [{ schedule: '@daily', timezone: 'Mars/Olympus', command: ['x'] }, 'timezone', /unknown time zone/],
    [
      { schedule: '@daily', command: ['x'], budget: { limit: 5, per: 'day', consumed: 'sent (\\d+)' } },
      'budget.consumed',
      /named group `n`/,
    ],
    [
      { schedule: '@daily', command: ['x'], budget: { limit: 5, per: 'day', consumed: 'sent (?<n>' } },
      'budget.consumed',
      /not a regular expression/,
    ],
    [{ schedule: '@daily' }, 'command', /needs a command/],
    [{ schedule: '@daily', command: ['x'], timeout: '10' }, 'timeout', /invalid duration/],
    [{ schedule: '@daily', command: ['x'], timeout: '0s' }, 'timeout', /between 1s and 168h/],
    [{ schedule: '@daily', command: ['x'], timeout: '200h' }, 'timeout', /between 1s and 168h/],
    [
      { schedule: '@daily', command: ['x'], retries: { count: 1, backoff: '25h' } },
      'retries.backoff',
      /between 1s and 24h/,
    ],
    [
      {
        schedule: '@daily',
        command: ['x'],
        overlap: 'allow',
        budget: { limit: 5, per: 'day', consumed: '(?<n>\\d+)' },
      },
      'overlap',
      /one at a time/,
    ],
  ])('refuses %j at %s', (value, path, message) => {
    const found = findings(value);
    expect(found[0]?.[0]).toBe(path);
    expect(found[0]?.[1]).toMatch(message);
    expect(found[0]?.[2]).not.toBe('');
  });

  it('refuses a bad job name and an unknown key with a hint', () => {
    const name = parse({ 'Bad Name': { schedule: '@daily', command: ['x'] } }).findings[0];
    expect(name?.message).toMatch(/job name "Bad Name": use lowercase/);
    expect(name?.hint).toMatch(/metrics/);
    const typo = parse({ j: { schedule: '@daily', command: ['x'], overlpa: 'skip' } }).findings[0];
    expect(typo?.hint).toMatch(/overlap/);
  });

  it('is located file:line:col in a stack, like every x-berth section', async () => {
    const dir = await writeTree({
      'compose.yaml': [
        'services:',
        '  app:',
        '    image: busybox:1.36',
        '    x-berth:',
        '      jobs:',
        '        segments:',
        '          schedule: "0,15,30,45 * * * *"',
        '          timezone: Europe/Berln',
        '          command: [php, bin/console, mautic:segments:update]',
        '',
      ].join('\n'),
    });
    const load = await loadWorkspace(dir, { env: {}, registry: builtinXBerthRegistry() });
    const error = load.diagnostics.find((d) => d.severity === 'error');
    expect(error).toMatchObject({
      code: 'SPEC_XBERTH_INVALID',
      line: 8,
      message: expect.stringMatching(/Europe\/Berln/),
    });
  });
});
