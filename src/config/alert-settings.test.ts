import { describe, expect, it } from 'vitest';
import { errors, settings } from '../../test/support/serve-config.js';

// The `alerts:` section of the config file: one channel of each type, rules, defaults, and the
// problems of a section, located where they are written and saying what to write instead.

/** The README's example: one channel of each type. */
const EXAMPLE = `alerts:
  timeout: 15s
  channels:
    hook:
      type: webhook
      url: https://hooks.example.com/berth
      secret: { env: BERTH_WEBHOOK_SECRET }
    team-slack:
      type: slack
      url: { env: SLACK_WEBHOOK_URL }
    team-discord:
      type: discord
      url: { file: secrets/discord-url }
      timeout: 5s
    mail:
      type: smtp
      host: smtp.example.com
      port: 587
      user: berth@example.com
      password: { env: SMTP_PASSWORD }
      from: "Berth <berth@example.com>"
      to: [ops@example.com, oncall@example.com]
    phone:
      type: ntfy
      url: https://ntfy.example.com/
      topic: berth-alerts
      token: { env: NTFY_TOKEN }
    room:
      type: matrix
      homeserver: https://matrix.example.org
      room: "!ops:example.org"
      accessToken: { env: MATRIX_ACCESS_TOKEN }
  rules:
    - channels: [phone, team-slack]
      minSeverity: critical
      remind: 30m
    - channels: [mail, room]
      kinds: [backup, job]
      stacks: [shop]
    - channels: [hook, team-discord]
      severities: [critical, error, warning, info]
      types: [probe-down, probe-up]
`;

const ENV = {
  BERTH_WEBHOOK_SECRET: 'whsec-1',
  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/xyz',
  SMTP_PASSWORD: 'mail-pass',
  NTFY_TOKEN: 'tk_ntfy',
  MATRIX_ACCESS_TOKEN: 'syt_matrix',
};

const channels = (body: string) => `alerts:\n  channels:\n${body}`;

describe('alert settings', () => {
  it('takes one channel of each type, credentials resolved, defaults applied', () => {
    const s = settings({ yaml: EXAMPLE, env: ENV }).alerts;
    expect(s?.channels).toEqual({
      hook: {
        name: 'hook',
        type: 'webhook',
        timeoutMs: 15_000,
        url: 'https://hooks.example.com/berth',
        secret: 'whsec-1',
      },
      'team-slack': { name: 'team-slack', type: 'slack', timeoutMs: 15_000, url: ENV.SLACK_WEBHOOK_URL },
      'team-discord': {
        name: 'team-discord',
        type: 'discord',
        timeoutMs: 5000,
        url: { file: '/home/ops/etc/secrets/discord-url' },
      },
      mail: {
        name: 'mail',
        type: 'smtp',
        timeoutMs: 15_000,
        host: 'smtp.example.com',
        port: 587,
        secure: false,
        starttls: true,
        user: 'berth@example.com',
        password: 'mail-pass',
        from: 'Berth <berth@example.com>',
        to: ['ops@example.com', 'oncall@example.com'],
      },
      phone: {
        name: 'phone',
        type: 'ntfy',
        timeoutMs: 15_000,
        url: 'https://ntfy.example.com',
        topic: 'berth-alerts',
        token: 'tk_ntfy',
      },
      room: {
        name: 'room',
        type: 'matrix',
        timeoutMs: 15_000,
        homeserver: 'https://matrix.example.org',
        room: '!ops:example.org',
        accessToken: 'syt_matrix',
      },
    });
    expect(s?.rules).toEqual([
      { channels: ['phone', 'team-slack'], severities: ['critical'], remindMs: 1_800_000 },
      {
        channels: ['mail', 'room'],
        kinds: ['backup', 'job'],
        stacks: ['shop'],
        severities: ['critical', 'error', 'warning'],
      },
      {
        channels: ['hook', 'team-discord'],
        types: ['probe-down', 'probe-up'],
        severities: ['critical', 'error', 'warning', 'info'],
      },
    ]);
  });

  it('routes warning and above to every channel, reminding hourly, when no rule is written', () => {
    const s = settings({
      yaml: channels(
        '    a: { type: ntfy, topic: t1 }\n    b: { type: smtp, host: h, secure: true, from: a@b, to: [c@d] }\n',
      ),
    }).alerts;
    expect(s?.rules).toEqual([
      { channels: ['a', 'b'], severities: ['critical', 'error', 'warning'], remindMs: 3_600_000 },
    ]);
    expect(s?.channels.a).toMatchObject({ url: 'https://ntfy.sh', timeoutMs: 10_000 });
    // Implicit TLS: port 465 and no STARTTLS.
    expect(s?.channels.b).toMatchObject({ port: 465, secure: true, starttls: false });
    // An empty rule list is a decision: nothing is routed.
    expect(
      settings({ yaml: `${channels('    a: { type: ntfy, topic: t1 }\n')}  rules: []\n` }).alerts?.rules,
    ).toEqual([]);
  });

  it('reports each variable that is not set, naming the key', () => {
    expect(errors({ yaml: EXAMPLE, env: { ...ENV, SMTP_PASSWORD: '', NTFY_TOKEN: undefined } })).toEqual([
      expect.objectContaining({
        message: 'alerts.channels.mail.password names the variable SMTP_PASSWORD, which is not set',
        hint: 'set SMTP_PASSWORD in the environment of berth',
      }),
      expect.objectContaining({
        message: 'alerts.channels.phone.token names the variable NTFY_TOKEN, which is not set',
      }),
    ]);
  });

  it('refuses a Slack or Discord URL written out (it carries its token), without repeating it', () => {
    const url = 'https://hooks.slack.com/services/T0/B0/planted-token';
    const found = errors({ yaml: channels(`    s:\n      type: slack\n      url: ${url}\n`) });
    expect(found.map((e) => `${e.line}:${e.column} ${e.message}`)).toEqual([
      '5:12 alerts.channels.s.url: a credential is never written in the config file',
    ]);
    expect(found[0]?.hint).toContain('{ env: SLACK_WEBHOOK_URL }');
    expect(JSON.stringify(found)).not.toContain('planted-token');
  });

  it('locates a rule naming a channel that does not exist, and lists the channels', () => {
    const found = errors({
      yaml: `${channels('    oncall: { type: ntfy, topic: t }\n')}  rules:\n    - channels: [oncall, pager]\n`,
    });
    expect(found.map((e) => `${e.line}:${e.column} ${e.message}`)).toEqual([
      '5:26 alerts.rules.0.channels.1: no channel is named "pager", got "pager"',
    ]);
    expect(found[0]?.hint).toBe('channels: oncall');
  });

  it('says what a bad type, severity, duration or key should be', () => {
    const found = errors({
      yaml: [
        'alerts:',
        '  channels:',
        '    a: { type: teams, url: https://x.example }',
        '    b: { type: ntfy, topic: t, tiemout: 5s }',
        '    c: { type: matrix, homeserver: matrix.org, room: "#ops:matrix.org", accessToken: { env: T } }',
        '  rules:',
        '    - { channels: [b], minSeverity: high, remind: 10s }',
        '',
      ].join('\n'),
      env: { T: 'x' },
    });
    const lines = found.map((e) => `${e.line}:${e.column} ${e.message} | ${e.hint}`);
    expect(lines).toEqual([
      expect.stringMatching(
        /^3:\d+ alerts\.channels\.a\.type must be one of webhook, slack, discord, smtp, ntfy, matrix, got "teams" \| e\.g\. `type: webhook`/,
      ),
      expect.stringMatching(
        /^4:\d+ unknown key `tiemout` in alerts\.channels\.b \| did you mean `timeout`\?/,
      ),
      expect.stringMatching(
        /^5:\d+ alerts\.channels\.c\.homeserver: expected an http\(s\) URL, got "matrix\.org" \| e\.g\. `homeserver: https/,
      ),
      expect.stringMatching(/^5:\d+ alerts\.channels\.c\.room: a room is named by its id/),
      expect.stringMatching(
        /^7:\d+ alerts\.rules\.0\.minSeverity must be a severity \(critical, error, warning, info\), got "high"/,
      ),
      expect.stringMatching(
        /^7:\d+ alerts\.rules\.0\.remind: remind is a duration of at least 60s, got "10s" \| e\.g\. `90s`, `15m`/,
      ),
    ]);
  });

  it('checks across the section once each part is valid: both severities and minSeverity', () => {
    const found = errors({
      yaml: `${channels('    b: { type: ntfy, topic: t }\n')}  rules:\n    - { channels: [b], severities: [error], minSeverity: error }\n`,
    });
    expect(found.map((e) => `${e.line}:${e.column} ${e.message}`)).toEqual([
      expect.stringMatching(
        /^5:\d+ alerts\.rules\.0\.minSeverity: a rule takes `severities` or `minSeverity`, not both/,
      ),
    ]);
  });

  it('says a credential is missing rather than written, and a number is not a duration', () => {
    const found = errors({
      yaml: `${channels('    s: { type: slack }\n    n: { type: ntfy, topic: t, timeout: 10 }\n')}  rules:\n    - { channels: [s], remind: 30 }\n`,
    });
    expect(found.map((e) => `${e.line}:${e.column} ${e.message} | ${e.hint}`)).toEqual([
      expect.stringMatching(
        /^3:\d+ alerts\.channels\.s\.url: is missing: name where it is \| name where it is: `\{ env: SLACK_WEBHOOK_URL \}` or `\{ file: \/etc\/berth\/slack_webhook_url \}`$/,
      ),
      expect.stringMatching(
        /^4:\d+ alerts\.channels\.n\.timeout must be a duration, got 10 \| e\.g\. `timeout: 10s`/,
      ),
      expect.stringMatching(
        /^6:\d+ alerts\.rules\.0\.remind must be a duration, got 30 \| e\.g\. `remind: 30m`/,
      ),
    ]);
  });

  it('asks for both SMTP user and password, or neither', () => {
    expect(
      errors({
        yaml: channels('    m: { type: smtp, host: h, user: u, from: a@b, to: [c@d] }\n'),
      }).map((e) => e.message),
    ).toEqual(['alerts.channels.m names one of user and password']);
  });
});
