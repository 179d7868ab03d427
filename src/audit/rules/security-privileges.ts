import type { Rule } from '../types.js';
import { eachService, serviceHit } from './helpers.js';

/*
 * What a container may do as root inside: privileged mode, capabilities, privilege escalation and
 * the kernel's confinement profiles.
 */

/** `cap_add` entries are case-insensitive and may carry the kernel's `CAP_` prefix. */
export function normalizeCapability(cap: string): string {
  return cap.trim().toUpperCase().replace(/^CAP_/, '');
}

/** Capabilities that each amount to (or open a short path to) control of the host. */
export const DANGEROUS_CAPABILITIES: readonly string[] = [
  'ALL',
  'SYS_ADMIN',
  'NET_ADMIN',
  'SYS_PTRACE',
  'SYS_MODULE',
  'DAC_READ_SEARCH',
  'SYS_RAWIO',
  'SYS_BOOT',
];

export const privileged: Rule = {
  id: 'privileged',
  title: 'Privileged container',
  severity: 'critical',
  category: 'security',
  rationale:
    'A privileged container has every capability, every host device and no seccomp or AppArmor confinement: ' +
    'root in it is root on the host.',
  fix: 'remove `privileged: true` and grant only the capabilities (`cap_add`) or devices the service needs',
  check: (snapshot) =>
    eachService(
      snapshot,
      (stack, name, service) =>
        service.privileged === true &&
        serviceHit(
          stack,
          name,
          ['privileged'],
          'privileged=true',
          `service \`${name}\` runs privileged`,
          `remove \`privileged: true\` from \`${name}\`; add only the capabilities it needs with \`cap_add\``,
        ),
    ),
};

export const dangerousCapability: Rule = {
  id: 'dangerous-capability',
  title: 'Dangerous capability added',
  severity: 'high',
  category: 'security',
  rationale:
    'Capabilities such as SYS_ADMIN, SYS_MODULE, SYS_PTRACE or NET_ADMIN let root in the container reach ' +
    'the host kernel, other processes or the host network.',
  fix: 'remove the capability from `cap_add`, or replace it with a narrower one',
  check: (snapshot) =>
    eachService(snapshot, (stack, name, service) => {
      const seen = new Set<string>();
      return (service.cap_add ?? []).flatMap((written, index) => {
        const cap = normalizeCapability(written);
        if (!DANGEROUS_CAPABILITIES.includes(cap) || seen.has(cap)) return [];
        seen.add(cap);
        return [
          serviceHit(
            stack,
            name,
            ['cap_add', index],
            `cap_add=${cap}`,
            cap === 'ALL'
              ? `service \`${name}\` adds every capability (cap_add: ALL)`
              : `service \`${name}\` adds the capability ${cap}`,
            `remove \`${written}\` from \`cap_add\` of \`${name}\``,
          ),
        ];
      });
    }),
};

export const noCapDropAll: Rule = {
  id: 'no-cap-drop-all',
  title: 'Capabilities not dropped',
  severity: 'low',
  category: 'security',
  rationale:
    'Containers start with a default set of capabilities (CHOWN, SETUID, NET_RAW…) most services never use; ' +
    'dropping them all and adding back what is needed shrinks what an intruder can do.',
  fix: 'add `cap_drop: [ALL]` and add back only what the service needs with `cap_add`',
  check: (snapshot) =>
    eachService(snapshot, (stack, name, service) => {
      if ((service.cap_drop ?? []).some((cap) => normalizeCapability(cap) === 'ALL')) return undefined;
      return serviceHit(
        stack,
        name,
        service.cap_drop === undefined ? [] : ['cap_drop'],
        'cap_drop-without-ALL',
        `service \`${name}\` keeps the default capabilities (no \`cap_drop: [ALL]\`)`,
        `add \`cap_drop: [ALL]\` to \`${name}\` and add back only what it needs with \`cap_add\``,
      );
    }),
};

const NO_NEW_PRIVILEGES = /^no-new-privileges([:=]true)?$/i;

export const noNewPrivilegesMissing: Rule = {
  id: 'no-new-privileges-missing',
  title: 'Privilege escalation not blocked',
  severity: 'medium',
  category: 'security',
  rationale:
    'Without `no-new-privileges`, a process in the container can gain privileges through setuid binaries ' +
    '(sudo, su, ping…), which is how many container escapes start.',
  fix: 'add `security_opt: ["no-new-privileges:true"]`',
  autofix: 'no-new-privileges',
  check: (snapshot) =>
    eachService(snapshot, (stack, name, service) => {
      if ((service.security_opt ?? []).some((opt) => NO_NEW_PRIVILEGES.test(opt.trim()))) return undefined;
      return serviceHit(
        stack,
        name,
        service.security_opt === undefined ? [] : ['security_opt'],
        'no-new-privileges',
        `service \`${name}\` does not set \`no-new-privileges\``,
        `add \`no-new-privileges:true\` to \`security_opt\` of \`${name}\``,
      );
    }),
};

/**
 * A `security_opt` entry that switches a confinement off, normalized to `kind:value`, or undefined.
 * `systempaths=unconfined` unmasks /proc and /sys paths the engine normally hides.
 */
export function unconfinedOption(opt: string): string | undefined {
  const match = /^(seccomp|apparmor|systempaths|label)\s*[:=]\s*(unconfined|disable)$/i.exec(opt.trim());
  if (!match) return undefined;
  const kind = (match[1] ?? '').toLowerCase();
  const value = (match[2] ?? '').toLowerCase();
  const off = kind === 'label' ? value === 'disable' : value === 'unconfined';
  return off ? `${kind}:${value}` : undefined;
}

export const unconfinedProfile: Rule = {
  id: 'unconfined-profile',
  title: 'Seccomp, AppArmor or SELinux confinement disabled',
  severity: 'high',
  category: 'security',
  rationale:
    'The default seccomp and AppArmor/SELinux profiles block the system calls and files most container ' +
    'escapes rely on; switching them off removes that layer for the whole container.',
  fix: 'remove the `unconfined`/`label:disable` entry from `security_opt`; if a system call is missing, use a custom profile that allows only it',
  check: (snapshot) =>
    eachService(snapshot, (stack, name, service) =>
      (service.security_opt ?? []).flatMap((opt, index) => {
        const off = unconfinedOption(opt);
        if (off === undefined) return [];
        return [
          serviceHit(
            stack,
            name,
            ['security_opt', index],
            `security_opt=${off}`,
            `service \`${name}\` runs with \`${opt}\``,
            `remove \`${opt}\` from \`security_opt\` of \`${name}\``,
          ),
        ];
      }),
    ),
};
