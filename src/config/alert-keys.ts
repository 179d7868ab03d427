import {
  ALERT_EVENT_KINDS,
  ALERT_KEYS,
  ALERT_SEVERITIES,
  CHANNEL_KEYS,
  CHANNEL_TYPES,
  RULE_KEYS,
} from './alert-settings.js';

// What each key of the `alerts:` section takes, for the config file's messages (serve-file-problems.ts).

/** The keys a mapping of the section may hold, for "did you mean" hints (`at` starts at `alerts`). */
export function alertKnownKeys(at: readonly (string | number)[]): readonly string[] {
  if (at.length === 1) return ALERT_KEYS;
  if (at[1] === 'channels' && at.length === 3) return CHANNEL_KEYS;
  if (at[1] === 'rules' && at.length === 3) return RULE_KEYS;
  return [];
}

const KEY_RULES: Readonly<Record<string, { readonly expect: string; readonly hint: string }>> = {
  alerts: {
    expect: 'a mapping with `channels` (and `rules`)',
    hint: 'see "Alerts" in the README: `channels:` where alerts go, `rules:` which alerts go where',
  },
  'alerts.channels': {
    expect: 'a mapping of channel names to channels',
    hint: 'e.g. `channels: { oncall: { type: ntfy, topic: berth-alerts } }`',
  },
  'alerts.channels.*': {
    expect: `a channel: a mapping with \`type\` (${CHANNEL_TYPES.join(', ')})`,
    hint: 'e.g. `{ type: slack, url: { env: SLACK_WEBHOOK_URL } }`',
  },
  'alerts.channels.*.type': {
    expect: `one of ${CHANNEL_TYPES.join(', ')}`,
    hint: 'e.g. `type: webhook`; the README has an example of each',
  },
  'alerts.channels.*.host': { expect: 'the SMTP server’s host name', hint: 'e.g. `host: smtp.example.com`' },
  'alerts.channels.*.port': { expect: 'a TCP port', hint: 'e.g. `port: 587` (465 with `secure: true`)' },
  'alerts.channels.*.secure': {
    expect: 'true or false',
    hint: '`secure: true` for TLS from the start (465)',
  },
  'alerts.channels.*.starttls': {
    expect: 'true or false',
    hint: '`starttls: false` only for a relay on this host that offers no TLS',
  },
  'alerts.channels.*.user': { expect: 'the SMTP user name', hint: 'e.g. `user: berth@example.com`' },
  'alerts.channels.*.to': { expect: 'a list of email addresses', hint: 'e.g. `to: [ops@example.com]`' },
  'alerts.rules': {
    expect: 'a list of rules',
    hint: 'e.g. `rules: [{ channels: [oncall], minSeverity: critical, remind: 30m }]`',
  },
  'alerts.rules.*': { expect: 'a rule: a mapping with `channels`', hint: 'e.g. `- channels: [oncall]`' },
  'alerts.rules.*.channels': {
    expect: 'a list of channel names',
    hint: 'e.g. `channels: [oncall, team-mail]`',
  },
  'alerts.rules.*.kinds': {
    expect: `a list of event kinds (${ALERT_EVENT_KINDS.join(', ')})`,
    hint: 'e.g. `kinds: [health, backup]`',
  },
  'alerts.rules.*.types': { expect: 'a list of event types', hint: 'e.g. `types: [probe-down, crash-loop]`' },
  'alerts.rules.*.severities': {
    expect: `a list of severities (${ALERT_SEVERITIES.join(', ')})`,
    hint: 'e.g. `severities: [critical]`, or `minSeverity: error`',
  },
  'alerts.rules.*.minSeverity': {
    expect: `a severity (${ALERT_SEVERITIES.join(', ')})`,
    hint: 'e.g. `minSeverity: error` (error and critical)',
  },
  'alerts.rules.*.stacks': { expect: 'a list of stack names', hint: 'e.g. `stacks: [shop, blog]`' },
  'alerts.rules.*.remind': {
    expect: 'a duration',
    hint: 'e.g. `remind: 30m`; leave it out for no reminders',
  },
  'alerts.timeout': { expect: 'a duration', hint: 'e.g. `timeout: 10s` (per attempt)' },
  'alerts.channels.*.timeout': { expect: 'a duration', hint: 'e.g. `timeout: 10s` (per attempt)' },
};

/** What a key of the section takes, for messages; channel names and rule indexes are `*`. */
export function alertKeyRule(at: readonly (string | number)[]): { expect: string; hint: string } | undefined {
  const pattern = at.map((part, i) => (i === 2 ? '*' : String(part))).join('.');
  return KEY_RULES[pattern];
}
