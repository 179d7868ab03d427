import {
  ALERT_SEVERITIES,
  type AlertSection,
  type AlertSeverity,
  DEFAULT_REMIND_MS,
  DEFAULT_TIMEOUT_MS,
} from './alert-settings.js';
import { resolveCredential } from './credential-ref.js';

// The `alerts:` section as Berth uses it: credentials resolved, defaults applied (see alert-settings.ts).

type Ref = { env: string } | { file: string };

/** A credential as Berth uses it: the value (from the environment), or a file read when it is used. */
export type AlertSecret = string | { readonly file: string };

interface Common {
  readonly name: string;
  /** Per attempt. */
  readonly timeoutMs: number;
}
export interface WebhookChannel extends Common {
  readonly type: 'webhook';
  readonly url: AlertSecret;
  readonly secret?: AlertSecret;
}
export interface ChatChannel extends Common {
  readonly type: 'slack' | 'discord';
  readonly url: AlertSecret;
}
export interface SmtpChannel extends Common {
  readonly type: 'smtp';
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly starttls: boolean;
  readonly user?: string;
  readonly password?: AlertSecret;
  readonly from: string;
  readonly to: readonly string[];
}
export interface NtfyChannel extends Common {
  readonly type: 'ntfy';
  readonly url: string;
  readonly topic: string;
  readonly token?: AlertSecret;
}
export interface MatrixChannel extends Common {
  readonly type: 'matrix';
  readonly homeserver: string;
  readonly room: string;
  readonly accessToken: AlertSecret;
}
export type AlertChannel = WebhookChannel | ChatChannel | SmtpChannel | NtfyChannel | MatrixChannel;

export interface AlertRule {
  readonly channels: readonly string[];
  /** Absent: every kind. */
  readonly kinds?: readonly string[];
  readonly types?: readonly string[];
  /** The severities routed (from `severities`, or `minSeverity`; default warning and above). */
  readonly severities: readonly AlertSeverity[];
  readonly stacks?: readonly string[];
  readonly remindMs?: number;
}

export interface AlertSettings {
  readonly channels: Readonly<Record<string, AlertChannel>>;
  readonly rules: readonly AlertRule[];
}

const atLeast = (min: AlertSeverity) => ALERT_SEVERITIES.slice(0, ALERT_SEVERITIES.indexOf(min) + 1);

/**
 * Environment references resolved against `env` (a missing variable is a problem), credential
 * files against the config file's folder (read when a message is sent), defaults applied. Pure.
 */
export function resolveAlertSection(
  section: AlertSection,
  fileDir: string,
  env: Readonly<Record<string, string | undefined>>,
): { settings: AlertSettings; problems: Array<{ message: string; hint: string }> } {
  const problems: Array<{ message: string; hint: string }> = [];
  const secret = (ref: string | Ref, where: string): AlertSecret =>
    typeof ref === 'string' ? ref : resolveCredential(ref, where, { fileDir, env, problems });
  const channels: Record<string, AlertChannel> = {};
  for (const [name, c] of Object.entries(section.channels)) {
    const at = `alerts.channels.${name}`;
    const common = { name, timeoutMs: c.timeout ?? section.timeout ?? DEFAULT_TIMEOUT_MS };
    switch (c.type) {
      case 'webhook':
        channels[name] = {
          ...common,
          type: c.type,
          url: secret(c.url, `${at}.url`),
          ...(c.secret ? { secret: secret(c.secret, `${at}.secret`) } : {}),
        };
        break;
      case 'slack':
      case 'discord':
        channels[name] = { ...common, type: c.type, url: secret(c.url, `${at}.url`) };
        break;
      case 'smtp': {
        const secure = c.secure ?? c.port === 465;
        if ((c.user === undefined) !== (c.password === undefined)) {
          problems.push({
            message: `${at} names one of user and password`,
            hint: 'give both, or neither for a relay that takes mail without logging in',
          });
        }
        channels[name] = {
          ...common,
          type: c.type,
          host: c.host,
          port: c.port ?? (secure ? 465 : 587),
          secure,
          starttls: c.starttls ?? !secure,
          ...(c.user ? { user: c.user } : {}),
          ...(c.password ? { password: secret(c.password, `${at}.password`) } : {}),
          from: c.from,
          to: [...c.to],
        };
        break;
      }
      case 'ntfy':
        channels[name] = {
          ...common,
          type: c.type,
          url: (c.url ?? 'https://ntfy.sh').replace(/\/+$/, ''),
          topic: c.topic,
          ...(c.token ? { token: secret(c.token, `${at}.token`) } : {}),
        };
        break;
      case 'matrix':
        channels[name] = {
          ...common,
          type: c.type,
          homeserver: c.homeserver.replace(/\/+$/, ''),
          room: c.room,
          accessToken: secret(c.accessToken, `${at}.accessToken`),
        };
        break;
    }
  }
  const rules: AlertRule[] = (section.rules ?? []).map((r) => ({
    channels: [...new Set(r.channels)],
    ...(r.kinds ? { kinds: [...r.kinds] } : {}),
    ...(r.types ? { types: [...r.types] } : {}),
    severities: r.severities ? [...new Set(r.severities)] : atLeast(r.minSeverity ?? 'warning'),
    ...(r.stacks ? { stacks: [...r.stacks] } : {}),
    ...(r.remind !== undefined ? { remindMs: r.remind } : {}),
  }));
  const names = Object.keys(channels);
  return {
    settings: {
      channels,
      rules:
        section.rules === undefined && names.length > 0
          ? [{ channels: names, severities: atLeast('warning'), remindMs: DEFAULT_REMIND_MS }]
          : rules,
    },
    problems,
  };
}
